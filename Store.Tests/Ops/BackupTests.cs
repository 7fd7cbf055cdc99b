using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Ops;

/// <summary>`store backup` as a real process against a running store that keeps taking uploads, then a store started on the backup.</summary>
[Trait("speed", "slow")]
public sealed class BackupTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Dictionary<string, string> Env(string serverDir) => new() { ["CL_SERVER_DIR"] = serverDir };

    [Fact]
    public async Task A_backup_taken_during_uploads_restores_every_entity_and_file()
    {
        await using var host = await StoreHost.StartAsync();
        var album = await host.Client.CreateCollectionAsync("Album");
        var before = new List<long> { album.Id() };
        for (var i = 0; i < 6; i++)
        {
            var response = await host.Client.PostAsync("/entities", Forms.Entity(false, $"photo {i}", parentId: album.Id(), file: TestMedia.Jpeg(1000 + i)), Ct);
            before.Add((await Expect.StatusAsync(response, HttpStatusCode.Created)).Id());
        }
        before.Add((await host.Client.CreateMediaAsync("a note kept in the backup")).Id());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PatchJsonAsync(before[^1], """{"is_deleted": true}""")).StatusCode);

        // Uploads and deletes go on while the backup runs.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 200; i++)
            {
                var created = await host.Client.CreateMediaAsync($"written during the backup {i} {Guid.NewGuid()}");
                if (i % 3 == 0) await host.Client.DeleteAsync($"/entities/{created.Id()}", Ct);
            }
        }, Ct);

        var target = Path.Combine(Path.GetTempPath(), "store-tests", "backup-" + Guid.NewGuid().ToString("N"));
        var (code, output, error) = await StoreProcess.RunAsync(["backup", target], Env(host.Settings.ServerDir));
        await stop.CancelAsync();
        await traffic.ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.True(code == 0, output + error);
        Assert.Contains($"copied to {target}", output);

        // The backup is a data folder: verify finds nothing wrong in it, and a store started on it serves it all.
        var verified = await StoreProcess.RunAsync(["verify"], Env(target));
        Assert.True(verified.ExitCode == 0, verified.Out + verified.Err);
        await using var restored = await StoreHost.StartAsync(s => s with
        {
            ServerDir = target,
            DatabasePath = Path.Combine(target, "media_store.db"),
            MediaDir = Path.Combine(target, "media"),
            PublicKeyPath = Path.Combine(target, "public_key.pem"),
        });
        foreach (var id in before)
        {
            var entity = await restored.Client.GetOkAsync($"/entities/{id}");
            if (entity.GetProperty("is_collection").GetBoolean()) continue;
            var original = await host.Client.GetByteArrayAsync($"/entities/{id}/file", Ct);
            Assert.Equal(original, await restored.Client.GetByteArrayAsync($"/entities/{id}/file", Ct));
        }
        Assert.True((await restored.Client.GetOkAsync($"/entities/{before[^1]}")).GetProperty("is_deleted").GetBoolean());

        // Every row of the backup has its file, whatever the traffic did meanwhile.
        SqliteConnection.ClearAllPools();
        using var db = new SqliteConnection($"Data Source={Path.Combine(target, "media_store.db")};Mode=ReadOnly;Pooling=false");
        foreach (var path in db.Query<string>("SELECT file_path FROM entities WHERE file_path IS NOT NULL"))
            Assert.True(File.Exists(Path.Combine(target, "media", path)), path);
    }

    [Fact]
    public async Task A_backup_into_a_folder_that_holds_something_is_refused()
    {
        await using var host = await StoreHost.StartAsync();
        var target = Path.Combine(Path.GetTempPath(), "store-tests", "backup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "keep.txt"), "mine", Ct);
        var (code, _, error) = await StoreProcess.RunAsync(["backup", target], Env(host.Settings.ServerDir));
        Assert.Equal(2, code);
        Assert.Contains("not empty", error);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
        Directory.Delete(target, recursive: true);
    }
}
