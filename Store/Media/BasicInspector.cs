using System.Security.Cryptography;

namespace Store.Media;

/// <summary>Identity from the bytes alone (MD5 and size); the full pipeline replaces it.</summary>
public sealed class BasicInspector : IMediaInspector
{
    public async Task<MediaInfo> InspectAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (stream.Length == 0) throw new MediaRejectedException("The file is empty");
        var hash = Convert.ToHexStringLower(await MD5.HashDataAsync(stream, ct));
        return new MediaInfo
        {
            Hash = hash,
            FileSize = stream.Length,
            MimeType = "application/octet-stream",
            Type = "file",
            Extension = "bin",
        };
    }
}
