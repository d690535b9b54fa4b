namespace Watt.Cli;

/// <summary>Rows printed as aligned columns under a header, as <c>docker ps</c> prints them.</summary>
internal static class Table
{
    public static async Task WriteAsync(TextWriter output, string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd()).ConfigureAwait(false);
        }
    }

    public static string Uptime(TimeSpan uptime) =>
        uptime.TotalDays >= 1 ? $"{(int)uptime.TotalDays}d{uptime.Hours}h" :
        uptime.TotalHours >= 1 ? $"{(int)uptime.TotalHours}h{uptime.Minutes}m" :
        uptime.TotalMinutes >= 1 ? $"{(int)uptime.TotalMinutes}m{uptime.Seconds}s" :
        $"{Math.Max(0, (int)uptime.TotalSeconds)}s";
}
