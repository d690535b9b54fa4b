using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Watt.Stackables.Logging;

namespace Watt.Stackables.Tests;

public sealed class ChildProcessLogSinkTests
{
    [Theory]
    [InlineData(10, LogLevel.Trace)]
    [InlineData(20, LogLevel.Debug)]
    [InlineData(30, LogLevel.Information)]
    [InlineData(40, LogLevel.Warning)]
    [InlineData(50, LogLevel.Error)]
    [InlineData(60, LogLevel.Critical)]
    public void A_pino_line_becomes_a_record_at_its_level(int level, LogLevel expected)
    {
        var logger = new FakeLogger();
        new ChildProcessLogSink(logger).WriteLine($$"""{"level":{{level}},"time":1764000000000,"pid":42,"hostname":"box","msg":"hello"}""", standardError: false);

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(expected, record.Level);
        Assert.Equal("hello", record.Message);
    }

    [Fact]
    public void Pino_fields_are_kept_as_structured_fields()
    {
        var logger = new FakeLogger();
        var sink = new ChildProcessLogSink(logger);

        sink.WriteLine("""{"level":30,"time":1764000000000,"pid":42,"hostname":"box","reqId":"req-7","res":{"statusCode":200},"responseTime":1.5,"cached":true,"msg":"request completed"}""", standardError: true);

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, record.Level); // a JSON line keeps pino's level, whatever the stream
        Assert.Equal("request completed", record.Message);
        var fields = record.StructuredState!.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("req-7", fields["reqId"]);
        Assert.Equal("42", fields["pid"]);
        Assert.Equal("box", fields["hostname"]);
        Assert.Equal("1764000000000", fields["time"]);
        Assert.Equal("""{"statusCode":200}""", fields["res"]);
        Assert.Equal("1.5", fields["responseTime"]);
        Assert.Equal("True", fields["cached"]);
        Assert.False(fields.ContainsKey("msg"));
    }

    [Fact]
    public void Named_levels_map_too()
    {
        var logger = new FakeLogger();
        new ChildProcessLogSink(logger).WriteLine("""{"level":"warn","msg":"careful"}""", standardError: false);

        Assert.Equal(LogLevel.Warning, Assert.Single(logger.Collector.GetSnapshot()).Level);
    }

    [Fact]
    public async Task Other_lines_are_information_from_stdout_and_errors_from_stderr()
    {
        var logger = new FakeLogger();
        var sink = new ChildProcessLogSink(logger);

        await sink.PumpAsync(new StringReader("Server listening on 3000\n{not json\n\n"), standardError: false, CancellationToken.None);
        await sink.PumpAsync(new StringReader("TypeError: x is not a function\n"), standardError: true, CancellationToken.None);

        var records = logger.Collector.GetSnapshot();
        Assert.Equal(3, records.Count);
        Assert.Equal((LogLevel.Information, "Server listening on 3000"), (records[0].Level, records[0].Message));
        Assert.Equal((LogLevel.Information, "{not json"), (records[1].Level, records[1].Message));
        Assert.Equal((LogLevel.Error, "TypeError: x is not a function"), (records[2].Level, records[2].Message));
        Assert.Equal("stderr", records[2].StructuredState!.Single(p => p.Key == "stream").Value);
    }
}
