namespace Watt.Cli.Hosts;

/// <summary>One Watt host as it registered itself in the user's runtime folder (the file a host writes when it starts).</summary>
/// <param name="Pid">The host's process id.</param>
/// <param name="Name">Its application name.</param>
/// <param name="ProcessStartTime">When its process started (UTC).</param>
/// <param name="Urls">The addresses its server listens on.</param>
/// <param name="Management">The management API's address on this machine.</param>
/// <param name="Dashboard">The dashboard's address on this machine (absent when the host serves none).</param>
/// <param name="Environment">Its environment name.</param>
internal sealed record HostEntry(int Pid, string Name, DateTime ProcessStartTime, string[] Urls, string Management, string? Dashboard, string? Environment);
