using System.Text.Json;
using Store.Media;

namespace Store.Tests.Media;

public sealed class CaptureTimeTests
{
    static long? From(string json) => CaptureTime.From(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData("2021:05:06 07:08:09", null, "2021-05-06T07:08:09+00:00")]
    [InlineData("2021:05:06 07:08:09", "+02:00", "2021-05-06T07:08:09+02:00")]
    [InlineData("2021:05:06 07:08:09+05:30", null, "2021-05-06T07:08:09+05:30")]
    [InlineData("2021:05:06 07:08:09.25-04:00", "+09:00", "2021-05-06T07:08:09.250-04:00")]
    [InlineData("2021:05:06 07:08:09Z", null, "2021-05-06T07:08:09+00:00")]
    public void Parses_exiftool_dates(string value, string? offset, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CaptureTime.Parse(value, offset));

    [Theory]
    [InlineData("0000:00:00 00:00:00")]
    [InlineData("2021:13:40 00:00:00")]
    [InlineData("yesterday")]
    public void Zero_or_impossible_dates_are_none(string value) => Assert.Null(CaptureTime.Parse(value));

    [Fact]
    public void Order_of_sources_and_zero_quicktime_dates()
    {
        Assert.Null(From("""{"QuickTime:CreateDate": "0000:00:00 00:00:00"}"""));
        Assert.Equal(DateTimeOffset.Parse("2022-03-04T05:06:07Z").ToUnixTimeMilliseconds(),
            From("""{"QuickTime:CreateDate": "2022:03:04 05:06:07", "XMP:CreateDate": "bad"}"""));
        Assert.Equal(DateTimeOffset.Parse("2022-03-04T05:06:07+01:00").ToUnixTimeMilliseconds(),
            From("""{"QuickTime:CreationDate": "2022:03:04 05:06:07+01:00", "QuickTime:CreateDate": "2022:03:04 04:06:09"}"""));
        Assert.Equal(DateTimeOffset.Parse("2001-01-01T00:00:00Z").ToUnixTimeMilliseconds(),
            From("""{"EXIF:CreateDate": "2002:01:01 00:00:00", "EXIF:DateTimeOriginal": "2001:01:01 00:00:00"}"""));
    }
}
