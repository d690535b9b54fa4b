using Watt.Embedded.Caching;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9110 §5.6.7: the three HTTP-date formats a recipient must accept.</summary>
public sealed class HttpDateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z")] // IMF-fixdate
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z")] // RFC 850
    [InlineData("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z")] // asctime, day padded with a space
    [InlineData("Thursday, 18-Aug-50 02:01:18 GMT", "2050-08-18T02:01:18Z")] // two-digit year: 24 years ahead is not "more than 50"
    [InlineData("Friday, 18-Aug-77 02:01:18 GMT", "1977-08-18T02:01:18Z")] // 2077 would be 51 years ahead: the past year
    [InlineData("Thu Aug  8 02:01:18 2050", "2050-08-08T02:01:18Z")] // a wrong day name is not checked
    [InlineData("sun, 06 nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z")]
    public void Accepts_the_three_formats(string value, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), HttpDate.Parse(value, Now));

    [Theory]
    [InlineData("0")]
    [InlineData("")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 UTC")]
    [InlineData("Sun 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sun, 06 Nov 1994 08.49.37 GMT")]
    [InlineData("Someday, 06-Nov-94 08:49:37 GMT")]
    public void Rejects_what_is_none_of_them(string value) => Assert.Null(HttpDate.Parse(value, Now));

    [Fact]
    public async Task An_Expires_in_the_RFC_850_format_makes_the_response_fresh()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", System.Net.HttpStatusCode.OK,
            ("Date", DateTimeOffset.UtcNow.ToString("r")), ("Expires", DateTimeOffset.UtcNow.AddHours(1).ToString("dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", System.Globalization.CultureInfo.InvariantCulture))));

        await f.GetAsync("http://api.test/rfc850");
        var second = await f.BodyAsync("http://api.test/rfc850");

        Assert.Equal("v1", second);
    }
}
