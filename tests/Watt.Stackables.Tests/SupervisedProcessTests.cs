using Microsoft.Extensions.Logging.Abstractions;
using Watt.Stackables.Supervision;

namespace Watt.Stackables.Tests;

/// <summary>A supervised process, on its own: what it leaves behind when it exits.</summary>
public sealed class SupervisedProcessTests
{
    [Fact]
    public async Task A_process_that_writes_and_exits_at_once_has_its_last_lines_read_when_its_exit_is_seen()
    {
        // The exit and the last write race: the exit must not be reported before the output was read, or the
        // message about a crash at start-up loses the line that says why. Repeated, since the race is timing.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await using var process = SupervisedProcess.Start(
                new ProcessLaunch("node", ["-e", $"console.log('first {attempt}'); console.error('last words {attempt}'); process.exit(3)"], Path.GetTempPath(), new Dictionary<string, string>()),
                NullLogger.Instance);

            await process.Exited.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(3, process.ExitCode);
            Assert.Contains($"last words {attempt}", process.Tail, StringComparison.Ordinal);
            Assert.Contains($"first {attempt}", process.Tail, StringComparison.Ordinal);
        }
    }
}
