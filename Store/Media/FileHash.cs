using System.Security.Cryptography;

namespace Store.Media;

/// <summary>Hashes of a file's bytes, streamed: never more than a buffer of it in memory.</summary>
public static class FileHash
{
    public static Task<string> Md5Async(string path, CancellationToken ct) => HashAsync(path, HashAlgorithmName.MD5, ct);

    public static Task<string> Sha256Async(string path, CancellationToken ct) => HashAsync(path, HashAlgorithmName.SHA256, ct);

    /// <summary>The identity of files without decodable pixels: timed as the upload's hash stage.</summary>
    public static async Task<string> Sha512Async(string path, CancellationToken ct)
    {
        using var stage = Observability.StoreMetrics.Stage("hash");
        return await HashAsync(path, HashAlgorithmName.SHA512, ct);
    }

    static async Task<string> HashAsync(string path, HashAlgorithmName algorithm, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var bytes = algorithm == HashAlgorithmName.MD5 ? await MD5.HashDataAsync(stream, ct)
            : algorithm == HashAlgorithmName.SHA256 ? await SHA256.HashDataAsync(stream, ct)
            : await SHA512.HashDataAsync(stream, ct);
        return Convert.ToHexStringLower(bytes);
    }
}
