namespace Watt.Embedded.Runtime;

/// <summary>Checks <see cref="RestartOptions"/>; every message names the key.</summary>
internal static class RestartOptionsValidator
{
    /// <param name="key">The options' configuration key (<c>Watt:Restart</c>, <c>Watt:Services:orders:Restart</c>).</param>
    /// <param name="restart">The options.</param>
    /// <param name="errors">Where problems are added.</param>
    public static void Validate(string key, RestartOptions restart, ICollection<string> errors)
    {
        if (restart.InitialDelay <= TimeSpan.Zero)
        {
            errors.Add($"{key}:InitialDelay must be greater than zero (was {restart.InitialDelay}).");
        }

        if (restart.MaxDelay < restart.InitialDelay)
        {
            errors.Add($"{key}:MaxDelay must be at least InitialDelay ({restart.InitialDelay}) (was {restart.MaxDelay}).");
        }

        if (restart.MaxAttempts < 0)
        {
            errors.Add($"{key}:MaxAttempts must be 0 or more (was {restart.MaxAttempts}).");
        }
    }
}
