using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Store.Worker.Tasks;

/// <summary>
/// media_hash: the SHA-512 and MD5 of each input file's bytes, read once. Written to <c>hashes.json</c>
/// and returned as task_output.
/// </summary>
public sealed class MediaHashTask : IComputeTask
{
    public const string Note = "sha512 and md5 are of each file's bytes (hex); the store's own content hash of an " +
                               "image or video entity (its md5 field) is computed from the decoded media instead";

    public string Name => "media_hash";

    public async Task<JsonObject> RunAsync(TaskContext context, CancellationToken ct)
    {
        var files = new JsonArray();
        for (var i = 0; i < context.Inputs.Count; i++)
        {
            var input = context.Inputs[i];
            var (sha512, md5, size) = await HashAsync(input.LocalPath, ct);
            files.Add(new JsonObject { ["filename"] = input.Filename, ["size"] = size, ["sha512"] = sha512, ["md5"] = md5 });
            await context.FileDoneAsync(i + 1);
        }
        var output = new JsonObject { ["files"] = files, ["note"] = Note };
        await File.WriteAllTextAsync(Path.Combine(context.OutputDir, "hashes.json"),
            output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
        return output;
    }

    static async Task<(string Sha512, string Md5, long Size)> HashAsync(string path, CancellationToken ct)
    {
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        long size = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            sha512.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            size += read;
        }
        return (Convert.ToHexStringLower(sha512.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()), size);
    }
}
