using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Store.Media;

/// <summary>
/// When a file was captured, from ExifTool's tags (as printed with <c>-G0 -n</c>). The first
/// tag present wins: EXIF DateTimeOriginal, EXIF CreateDate, XMP DateTimeOriginal and CreateDate,
/// QuickTime CreationDate (Apple's, with its zone), QuickTime CreateDate, Matroska DateTimeOriginal.
/// The zone is the one written in the value, else the EXIF OffsetTime* tag that belongs to it;
/// QuickTime and Matroska times are UTC by their specifications. A time with no zone at all is read
/// as UTC: the server's own zone says nothing about where the picture was taken, and UTC keeps the
/// camera's wall-clock reading unchanged for every server.
/// </summary>
public static partial class CaptureTime
{
    static readonly (string Tag, string? OffsetTag)[] Sources =
    [
        ("EXIF:DateTimeOriginal", "EXIF:OffsetTimeOriginal"),
        ("EXIF:CreateDate", "EXIF:OffsetTimeDigitized"),
        ("XMP:DateTimeOriginal", null),
        ("XMP:CreateDate", null),
        ("QuickTime:CreationDate", null),
        ("QuickTime:CreateDate", null),
        ("Matroska:DateTimeOriginal", null),
    ];

    /// <summary>Epoch ms of the capture time, or null when the tags hold none.</summary>
    public static long? From(JsonElement tags)
    {
        foreach (var (tag, offsetTag) in Sources)
        {
            if (Text(tags, tag) is not { } value) continue;
            var offset = offsetTag is null ? null : Text(tags, offsetTag);
            if (Parse(value, offset) is { } time) return time.ToUnixTimeMilliseconds();
        }
        return null;
    }

    /// <summary>Parses an ExifTool date ("2021:05:06 07:08:09.12+02:00"); a zero or impossible date is null.</summary>
    public static DateTimeOffset? Parse(string value, string? offsetTag = null)
    {
        var m = DatePattern().Match(value.Trim());
        if (!m.Success) return null;
        int Part(string name) => int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);
        if (Part("y") == 0 || Part("mo") == 0 || Part("d") == 0) return null;

        var zone = m.Groups["z"].Success ? Offset(m.Groups["z"].Value) : null;
        zone ??= offsetTag is null ? null : Offset(offsetTag);
        zone ??= TimeSpan.Zero; // QuickTime/Matroska are UTC; a bare EXIF time is read as UTC (see the type's summary)
        try
        {
            var local = new DateTime(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), Part("s"), DateTimeKind.Unspecified);
            if (m.Groups["f"].Success)
            {
                var fraction = m.Groups["f"].Value;
                local = local.AddMilliseconds(int.Parse(fraction.PadRight(3, '0')[..3], CultureInfo.InvariantCulture));
            }
            return new DateTimeOffset(local, zone.Value);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    static TimeSpan? Offset(string text)
    {
        var m = OffsetPattern().Match(text.Trim());
        if (!m.Success) return null;
        if (m.Value == "Z") return TimeSpan.Zero;
        var sign = m.Groups["sign"].Value == "-" ? -1 : 1;
        var span = new TimeSpan(int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture), 0);
        return span <= TimeSpan.FromHours(14) ? sign * span : null;
    }

    static string? Text(JsonElement tags, string name) =>
        tags.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex(@"^(?<y>\d{4})[:-](?<mo>\d{2})[:-](?<d>\d{2})[ T](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.(?<f>\d+))?\s*(?<z>Z|[+-]\d{2}:?\d{2})?")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^(?:Z|(?<sign>[+-])(?<h>\d{2}):?(?<m>\d{2}))$")]
    private static partial Regex OffsetPattern();
}
