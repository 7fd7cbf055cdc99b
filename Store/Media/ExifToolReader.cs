using System.Globalization;
using System.Text.Json;

namespace Store.Media;

/// <summary>What ExifTool says about a file: only the tags the store keeps.</summary>
public sealed record ExifFacts(string? MimeType, string? Extension, int? Width, int? Height, double? Duration, long? CaptureTime, string? Error);

/// <summary>Asks the ExifTool pool for the few tags the store needs, as JSON with numeric values.</summary>
public sealed class ExifToolReader(ExifToolPool pool)
{
    static readonly string[] Tags =
    [
        "-FileType", "-MIMEType", "-FileTypeExtension", "-ImageWidth", "-ImageHeight", "-Duration",
        "-DateTimeOriginal", "-CreateDate", "-CreationDate", "-OffsetTimeOriginal", "-OffsetTimeDigitized", "-OffsetTime",
    ];

    public async Task<ExifFacts> ReadAsync(string path, CancellationToken ct)
    {
        // -fast: stop at the metadata instead of scanning to the end (a 20 GB video reads in milliseconds).
        string[] args = ["-json", "-n", "-G0", "-fast", "-charset", "filename=utf8", "-api", "largefilesupport=1", .. Tags, path];
        using var call = Observability.StoreMetrics.Tool("exiftool");
        var (output, errors) = await pool.ExecuteAsync(args, ct);
        call.Ok();
        var error = errors.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Error:"));
        if (string.IsNullOrWhiteSpace(output)) return new ExifFacts(null, null, null, null, null, null, error ?? "ExifTool gave no answer");

        JsonElement tags;
        try
        {
            using var doc = JsonDocument.Parse(output);
            tags = doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() > 0
                ? doc.RootElement[0].Clone()
                : default;
        }
        catch (JsonException)
        {
            return new ExifFacts(null, null, null, null, null, null, "ExifTool's answer was not JSON");
        }
        if (tags.ValueKind != JsonValueKind.Object) return new ExifFacts(null, null, null, null, null, null, error);

        return new ExifFacts(
            MimeType: String(tags, "File:MIMEType"),
            Extension: String(tags, "File:FileTypeExtension")?.ToLowerInvariant(),
            Width: Dimension(tags, "ImageWidth"),
            Height: Dimension(tags, "ImageHeight"),
            Duration: Number(tags, "Duration") is > 0 and var d ? d : null,
            CaptureTime: CaptureTime.From(tags),
            Error: error);
    }

    static string? String(JsonElement tags, string name) =>
        tags.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    /// <summary>The first positive value of a tag in any group (File, EXIF, QuickTime, Matroska …), in ExifTool's order.</summary>
    static double? Number(JsonElement tags, string tag)
    {
        foreach (var property in tags.EnumerateObject())
        {
            if (!property.Name.EndsWith(":" + tag, StringComparison.Ordinal)) continue;
            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.GetDouble() > 0) return property.Value.GetDouble();
            if (property.Value.ValueKind == JsonValueKind.String && Clock(property.Value.GetString()) is > 0 and var seconds) return seconds;
        }
        return null;
    }

    /// <summary>Matroska durations stay "00:00:02.000000000" even with -n.</summary>
    static double? Clock(string? text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain)) return plain;
        var parts = (text ?? "").Split(':');
        if (parts.Length != 3) return null;
        return int.TryParse(parts[0], CultureInfo.InvariantCulture, out var h) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var m)
               && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var sec)
            ? h * 3600 + m * 60 + sec
            : null;
    }

    static int? Dimension(JsonElement tags, string tag) => Number(tags, tag) is { } v && v < int.MaxValue ? (int)v : null;
}
