using System.Collections.Concurrent;
using Dapper;
using Store.Auth;
using Store.Data;
using Store.Storage;
using Store.Media;
using Store.Observability;

namespace Store.Health.Ready;

/// <summary>
/// What the service needs to take an upload, each looked at for real: a write, a file, a tool's answer. A tool's answer
/// is kept for <see cref="ToolAnswerKept"/>; everything else is looked at on every call.
/// </summary>
public sealed class ReadinessChecks(Db db, StorageOptions storage, MediaStorage media, AuthOptions auth, MediaToolOptions tools, PublicKeyFile keys, TimeProvider clock)
{
    public const string Ok = "ok";
    public const string Failed = "failed";

    /// <summary>
    /// Asking a tool starts it (a Perl for ExifTool, and an ffprobe: about 0.2 s of CPU together), and orchestrators
    /// may ask every second: within this time after an answer, ok or failed, the tool is not asked again. A tool that
    /// goes away or breaks is reported at most this late; one that is mended, too.
    /// </summary>
    public static readonly TimeSpan ToolAnswerKept = TimeSpan.FromSeconds(5);

    readonly ConcurrentDictionary<string, (DateTimeOffset Until, ReadyCheck Check)> _toolAnswers = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, ReadyCheck>> RunAsync(CancellationToken ct)
    {
        var database = DatabaseAsync(ct);
        var exiftool = ToolAsync(tools.ExifToolPath, ct);
        var ffprobe = ToolAsync(tools.FfprobePath, ct);
        var checks = new SortedDictionary<string, ReadyCheck>(StringComparer.Ordinal)
        {
            ["database"] = await database,
            ["media"] = Folder(storage.MediaDir),
            ["jobs"] = Folder(storage.JobsDir),
            ["exiftool"] = await exiftool,
            ["ffprobe"] = await ffprobe,
            ["public_key"] = PublicKey(),
        };
        // MEDIA_STORE=s3: the stored files are there; the media folder above still takes the uploads being inspected.
        if (media.Bucket is { } bucket) checks["bucket"] = await BucketAsync(bucket, ct);
        return checks;
    }

    static async Task<ReadyCheck> BucketAsync(IObjectStore bucket, CancellationToken ct)
    {
        try
        {
            await bucket.CheckAsync(ct);
            return new ReadyCheck(Ok, "the bucket answers");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ReadyCheck(Failed, $"the bucket: {e.Message}");
        }
    }

    async Task<ReadyCheck> DatabaseAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteAsync(
                "INSERT INTO health_probe (id, checked_at) VALUES (1, @now) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                new { now = clock.GetUtcNow().ToUnixTimeMilliseconds() });
            // No server paths in an answer (the start-up lines name them): the check says what, not where.
            return new ReadyCheck(Ok, "the database takes writes");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new ReadyCheck(Failed, $"the database: {e.Message}");
        }
    }

    static ReadyCheck Folder(string path)
    {
        long? free = null;
        try { free = new DriveInfo(path).AvailableFreeSpace; } catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { }
        var probe = Path.Combine(path, $".ready-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                stream.WriteByte(0);
            return new ReadyCheck(Ok, "writable", free);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ReadyCheck(Failed, $"not writable: {e.Message.Replace(path, "the folder")}", free);
        }
    }

    async Task<ReadyCheck> ToolAsync(string executable, CancellationToken ct)
    {
        if (_toolAnswers.TryGetValue(executable, out var kept) && clock.GetUtcNow() < kept.Until) return kept.Check;
        var (version, problem) = await ToolVersions.AskAsync(executable, ct);
        var check = version is null ? new ReadyCheck(Failed, problem!) : new ReadyCheck(Ok, $"{executable} {version}");
        _toolAnswers[executable] = (clock.GetUtcNow() + ToolAnswerKept, check);
        return check;
    }

    ReadyCheck PublicKey()
    {
        if (auth.AuthDisabled) return new ReadyCheck(Ok, "not needed: auth is disabled");
        var state = keys.Current();
        return state.Key is null ? new ReadyCheck(Failed, state.Problem!) : new ReadyCheck(Ok, "loaded");
    }
}
