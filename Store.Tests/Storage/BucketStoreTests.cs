using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Store.Storage;
using Store.Tests.Infrastructure;

namespace Store.Tests.Storage;

/// <summary>
/// MEDIA_STORE=s3 against a real S3 protocol server (s3rver): what only a bucket has. The entity, preview and audit
/// classes marked <c>[Trait("storage", "both")]</c> run on a bucket too (STORE_TEST_STORAGE=s3, scripts/test).
/// </summary>
[Trait("speed", "slow")]
public sealed class BucketStoreTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<StoreHost> StartOnBucketAsync(StoreHost? same = null)
    {
        if (same is not null) return await same.RestartOnSameDataAsync();
        var bucket = await (await S3Server.GetAsync()).NewBucketAsync();
        return await StoreHost.StartAsync(s => s with { S3 = bucket });
    }

    [Fact]
    public async Task A_large_upload_goes_up_in_parts_and_comes_back_whole_and_in_ranges()
    {
        await using var host = await StartOnBucketAsync();
        // 12 MiB of noise: three parts of the tests' 5 MiB (a file, by its bytes).
        var bytes = new byte[12 * 1024 * 1024 + 123];
        new Random(1401).NextBytes(bytes);
        var created = await Expect.StatusAsync(await host.Client.PostAsync("/entities", Forms.Entity(false, "noise", file: bytes, fileName: "noise.bin"), Ct),
            HttpStatusCode.Created);
        Assert.Equal([created.Str("file_path")!], host.StoredFiles());
        Assert.Empty(host.TempFiles());
        Assert.Equal(bytes, await host.ReadStoredAsync(created.Str("file_path")!));

        var request = new HttpRequestMessage(HttpMethod.Get, $"/entities/{created.Id()}/file");
        // Across the first part boundary.
        request.Headers.Range = new RangeHeaderValue(5 * 1024 * 1024 - 10, 5 * 1024 * 1024 + 9);
        var part = await host.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[(5 * 1024 * 1024 - 10)..(5 * 1024 * 1024 + 10)], await part.Content.ReadAsByteArrayAsync(Ct));
        var whole = await host.Client.GetAsync($"/entities/{created.Id()}/file", Ct);
        Assert.Equal(bytes.Length, whole.Content.Headers.ContentLength);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task After_a_crash_the_journal_is_judged_against_the_rows_in_the_bucket()
    {
        var first = await StartOnBucketAsync();
        first.KeepData = true;
        var kept = await first.Client.CreateMediaAsync("named by a row");
        var named = kept.Str("file_path")!;
        // As a crash leaves them: an object put for a row that never committed, and a delete whose commit came but
        // whose object delete did not; the journal names both, and the named file too (a delete never committed).
        const string uncommitted = "store/2024/05/06/cafe.png";
        await first.PlantStoredAsync(uncommitted, "put before a crash");
        await first.PlantStoredAsync("previews/2024/05/06/cafe-256.webp", "put before a crash");
        const string notJournaled = "store/2024/05/06/beef.png";
        await first.PlantStoredAsync(notJournaled, "nobody said anything about this one");
        var pending = first.App.Services.GetRequiredService<PendingFiles>();
        var journal = JsonSerializer.Serialize(new[] { uncommitted, "previews/2024/05/06/cafe-256.webp", named }.Select(first.StoredLocation));
        await File.WriteAllTextAsync(Path.Combine(pending.Dir, Guid.NewGuid().ToString("N") + ".json"), journal, Ct);
        await first.DisposeAsync();

        await using var restarted = await StartOnBucketAsync(first);
        Assert.True(restarted.HasStored(named));
        Assert.False(restarted.HasStored(uncommitted));
        Assert.False(restarted.HasStored("previews/2024/05/06/cafe-256.webp"));
        // Not in the journal: the start-up leaves it, the audit finds it.
        Assert.True(restarted.HasStored(notJournaled));
        Assert.Empty(Directory.GetFiles(pending.Dir));
        var audit = await restarted.Client.GetOkAsync("/system/audit");
        Assert.Equal([notJournaled], audit.GetProperty("orphaned_files").EnumerateArray().Select(o => o.Str("file_path")));
    }

    [Fact]
    public async Task A_delete_removes_the_objects_only_after_its_commit_and_the_same_content_comes_back()
    {
        await using var host = await StartOnBucketAsync();
        var media = await host.Client.CreateMediaAsync("goes and comes back");
        var path = media.Str("file_path")!;
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/entities/{media.Id()}", Ct)).StatusCode);
        Assert.False(host.HasStored(path));
        Assert.Empty(host.StoredPreviews());
        Assert.Empty(Directory.GetFiles(host.App.Services.GetRequiredService<PendingFiles>().Dir));

        // Same content the same day: the same key, put again once the delete is done.
        var again = await host.Client.CreateMediaAsync("goes and comes back");
        Assert.Equal(path, again.Str("file_path"));
        Assert.True(host.HasStored(path));
    }

    [Fact]
    public async Task The_default_store_never_loads_the_AWS_SDK()
    {
        Assert.DoesNotContain(await RunAndUploadAsync(null), a => a.StartsWith("AWSSDK", StringComparison.Ordinal));
        // The check sees the SDK where it is loaded.
        var bucket = await (await S3Server.GetAsync()).NewBucketAsync();
        Assert.Contains("AWSSDK.S3.dll", await RunAndUploadAsync(bucket));
    }

    /// <summary>Starts a real store process, uploads and downloads one file, and answers the assemblies it has mapped.</summary>
    static async Task<List<string>> RunAndUploadAsync(S3Options? bucket)
    {
        var dir = Directory.CreateTempSubdirectory("store-s3-").FullName;
        try
        {
            var port = StoreProcess.FreePort();
            var env = bucket is null ? new Dictionary<string, string>() : S3Server.Variables(bucket);
            env["CL_SERVER_DIR"] = dir;
            await using var store = StoreProcess.Start(["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-auth"], env);
            var address = new Uri($"http://127.0.0.1:{port}");
            await store.WaitUntilHealthyAsync(address);
            using var client = new HttpClient { BaseAddress = address };
            var created = await client.CreateMediaAsync("mapped");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/entities/{created.Id()}/file", Ct)).StatusCode);
            return File.ReadAllLines($"/proc/{store.Id}/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 6)
                .Select(fields => Path.GetFileName(fields[^1]))
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
