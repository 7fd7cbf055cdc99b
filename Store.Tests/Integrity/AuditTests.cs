using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Store.Storage;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Integrity;

/// <summary>GET /system/audit and POST /system/clear-orphans (contract section 8): a full scan, on request.</summary>
[Trait("storage", "both")]
public sealed class AuditTests : IAsyncLifetime
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    StoreHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await StoreHost.StartAsync();
    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    Task<JsonElement> AuditAsync() => _host.Client.GetOkAsync("/system/audit");

    async Task<JsonElement> ClearAsync()
    {
        var response = await _host.Client.PostAsync("/system/clear-orphans", null, Ct);
        return await Expect.StatusAsync(response, HttpStatusCode.OK);
    }

    static List<string> Paths(JsonElement report, string key) =>
        report.GetProperty(key).EnumerateArray().Select(o => o.GetProperty("file_path").GetString()!).Order().ToList();

    static string Plant(params string[] relative)
    {
        var path = Path.Combine([.. relative]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "planted");
        return path;
    }

    [Fact]
    public async Task A_consistent_store_reports_nothing_in_the_contract_keys()
    {
        await _host.Client.CreateMediaAsync("kept");
        await _host.CreateAsync("exif", JobKit.Form("in.txt", Forms.Text("job input")));
        var report = await AuditAsync();
        Assert.Equal(["missing_files", "orphaned_faces", "orphaned_files", "orphaned_mqtt", "orphaned_vectors"],
            report.EnumerateObject().Select(p => p.Name).Order());
        foreach (var key in new[] { "orphaned_files", "orphaned_faces", "orphaned_vectors", "orphaned_mqtt", "missing_files" })
            Assert.Equal(0, report.GetProperty(key).GetArrayLength());
        Assert.Equal("""{"files_deleted":0,"faces_deleted":0,"vectors_deleted":0,"mqtt_cleared":0}""", (await ClearAsync()).GetRawText());
    }

    [Fact]
    public async Task Stored_files_and_job_folders_no_row_names_are_found_and_cleared_and_nothing_else()
    {
        var media = _host.Settings.MediaDir;
        var entity = await _host.Client.CreateMediaAsync("kept");
        var job = await _host.CreateAsync("exif", JobKit.Form("in.txt", Forms.Text("job input")));
        var jobId = job.GetProperty("job_id").GetString()!;
        const string strayFile = "store/2024/01/02/deadbeef.png";
        await _host.PlantStoredAsync(strayFile, "planted");
        var strayJob = $"jobs/{Guid.NewGuid():D}";
        await _host.PlantJobFileAsync($"{strayJob}/input/x.txt", "planted");
        // A preview no entity's file names is an orphan too.
        const string strayPreview = "previews/2024/01/02/deadbeef-256.webp";
        await _host.PlantStoredAsync(strayPreview, "planted");
        // Not the store's to judge: the owner's own files (jobs reference them in place), temp files.
        var own = Plant(media, "photos", "mine.jpg");
        var temp = Plant(media, ".tmp", "upload-in-flight.part");

        var report = await AuditAsync();
        var orphans = report.GetProperty("orphaned_files").EnumerateArray()
            .ToDictionary(o => o.GetProperty("file_path").GetString()!, o => o.GetProperty("absolute_path").GetString()!);
        Assert.Equal(new Dictionary<string, string>
        {
            [strayFile] = _host.StoredLocation(strayFile),
            [strayPreview] = _host.StoredLocation(strayPreview),
            [strayJob] = _host.JobLocation(strayJob),
        }, orphans);

        Assert.Equal(3, (await ClearAsync()).GetProperty("files_deleted").GetInt32());
        Assert.False(_host.HasStored(strayFile));
        Assert.False(_host.HasStored(strayPreview));
        Assert.False(_host.HasJobFiles(strayJob));
        Assert.True(File.Exists(own) && File.Exists(temp));
        Assert.True(_host.HasStored(entity.Str("file_path")!));
        Assert.True(_host.HasJobFiles($"jobs/{jobId}"));
        Assert.Empty(Paths(await AuditAsync(), "orphaned_files"));
    }

    [Fact]
    public async Task Rows_whose_file_is_gone_are_listed_in_missing_files()
    {
        var entity = await _host.Client.CreateMediaAsync("to lose");
        var job = await _host.CreateAsync("exif", JobKit.Form("in.txt", Forms.Text("job input")));
        await _host.RemoveStoredAsync(entity.Str("file_path")!);
        var jobId = job.GetProperty("job_id").GetString()!;
        await _host.RemoveJobFilesAsync($"jobs/{jobId}");

        var missing = (await AuditAsync()).GetProperty("missing_files").EnumerateArray().ToList();
        Assert.Equal(2, missing.Count);
        var lostEntity = missing.Single(m => m.GetProperty("entity_id").ValueKind == JsonValueKind.Number);
        Assert.Equal(entity.Id(), lostEntity.GetProperty("entity_id").GetInt64());
        Assert.Equal(entity.Str("file_path"), lostEntity.Str("file_path"));
        Assert.Equal(_host.StoredLocation(entity.Str("file_path")!), lostEntity.Str("absolute_path"));
        var lostInput = missing.Single(m => m.GetProperty("job_id").ValueKind == JsonValueKind.String);
        Assert.Equal(jobId, lostInput.Str("job_id"));
        Assert.Equal($"jobs/{jobId}/input/in.txt", lostInput.Str("file_path"));
        // Nothing to clear: a missing file is reported, the row is the owner's to decide about.
        Assert.Equal(0, (await ClearAsync()).GetProperty("files_deleted").GetInt32());
    }

    [Fact]
    public async Task A_file_of_a_write_in_flight_is_no_orphan()
    {
        const string placing = "store/2024/01/02/inflight.png";
        await _host.PlantStoredAsync(placing, "planted");
        var jobFolder = $"jobs/{Guid.NewGuid():D}";
        await _host.PlantJobFileAsync($"{jobFolder}/input/a.txt", "planted");
        using (_host.App.Services.GetRequiredService<PendingFiles>().Record(_host.StoredLocation(placing), _host.JobLocation(jobFolder)))
        {
            Assert.Empty(Paths(await AuditAsync(), "orphaned_files"));
            Assert.Equal(0, (await ClearAsync()).GetProperty("files_deleted").GetInt32());
            Assert.True(_host.HasStored(placing));
        }
        Assert.Equal(2, Paths(await AuditAsync(), "orphaned_files").Count);
    }
}

/// <summary>Previews are owned by their entity's file: reported only when no entity's file names them.</summary>
[Trait("storage", "both")]
public sealed class PreviewAuditTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_entitys_previews_are_not_orphans_and_a_stray_preview_is_one()
    {
        await using var host = await StoreHost.StartAsync();
        var photo = await Expect.StatusAsync(await host.Client.PostAsync("/entities",
            Forms.Entity(false, "p", file: Media.TestMedia.Png(21, 400, 300), fileName: "p.png"), Ct), HttpStatusCode.Created);
        // The large preview too, made on request.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync($"/entities/{photo.Id()}/preview?size=large", Ct)).StatusCode);
        var previews = host.StoredPreviews();
        Assert.Equal(2, previews.Count);
        var clean = await host.Client.GetOkAsync("/system/audit");
        Assert.Empty(clean.GetProperty("orphaned_files").EnumerateArray());

        const string stray = "previews/2020/01/01/gone-256.webp";
        await host.PlantStoredAsync(stray, "left by an entity deleted long ago");
        var audit = await host.Client.GetOkAsync("/system/audit");
        Assert.Equal(["previews/2020/01/01/gone-256.webp"],
            audit.GetProperty("orphaned_files").EnumerateArray().Select(o => o.GetProperty("file_path").GetString()));
        await Expect.StatusAsync(await host.Client.PostAsync("/system/clear-orphans", null, Ct), HttpStatusCode.OK);
        Assert.False(host.HasStored(stray));
        Assert.All(previews, p => Assert.True(host.HasStored(p), p));
    }
}
