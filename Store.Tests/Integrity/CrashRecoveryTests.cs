using System.Text.Json;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Integrity;

/// <summary>
/// What a start does with what a crash left, set up by hand so each case is certain (the kill tests in
/// <see cref="KillTests"/> reach the same states by chance): only journal entries and set-aside folders are judged.
/// </summary>
public sealed class CrashRecoveryTests
{
    static string Plant(params string[] parts)
    {
        var path = Path.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "left by a crash");
        return path;
    }

    static void Journal(StoreHost host, params string[] paths)
    {
        var dir = Path.Combine(host.Settings.ServerDir, ".pending");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, Guid.NewGuid().ToString("N") + ".json"), JsonSerializer.Serialize(paths));
    }

    static async Task<StoreHost> RestartAsync(StoreHost host)
    {
        host.KeepData = true;
        await host.DisposeAsync();
        return await host.RestartOnSameDataAsync();
    }

    [Fact]
    public async Task Journaled_files_no_row_names_are_removed_and_the_rest_is_kept()
    {
        var host = await StoreHost.StartAsync();
        var entity = await host.Client.CreateMediaAsync("committed");
        var job = await host.CreateAsync("exif", JobKit.Form("in.txt", Forms.Text("job input")));
        var named = host.MediaPath(entity.Str("file_path")!);
        var namedJob = Path.Combine(host.Settings.JobsDir, job.GetProperty("job_id").GetString()!);
        var uncommitted = Plant(host.Settings.MediaDir, "store", "2024", "05", "06", "cafe.png");
        var uncommittedJob = Path.Combine(host.Settings.JobsDir, Guid.NewGuid().ToString("D"));
        Plant(uncommittedJob, "input", "a.txt");
        var uncommittedOutput = Plant(namedJob, "output", "half.txt");
        var uncommittedPreview = Plant(host.Settings.MediaDir, "previews", "2024", "05", "06", "cafe-256.webp");
        var unjudged = Plant(host.Settings.MediaDir, "photos", "mine.jpg");
        var notJournaled = Plant(host.Settings.MediaDir, "store", "2024", "05", "06", "beef.png");
        Journal(host, named, uncommitted, uncommittedJob);
        Journal(host, uncommittedOutput, uncommittedPreview, unjudged);
        // An entry cut short by a crash was written before any file it names existed.
        File.WriteAllText(Path.Combine(host.Settings.ServerDir, ".pending", "cut.json"), "[\"" + named[..10]);

        await using var restarted = await RestartAsync(host);
        Assert.True(File.Exists(named));
        Assert.True(File.Exists(Path.Combine(namedJob, "input", "in.txt")));
        Assert.False(File.Exists(uncommitted));
        Assert.False(Directory.Exists(uncommittedJob));
        Assert.False(File.Exists(uncommittedOutput));
        Assert.False(File.Exists(uncommittedPreview));
        Assert.True(File.Exists(unjudged));
        // Not in the journal, so not looked at on start (the audit finds it).
        Assert.True(File.Exists(notJournaled));
        Assert.Empty(Directory.GetFiles(Path.Combine(restarted.Settings.ServerDir, ".pending")));
    }

    [Fact]
    public async Task Set_aside_files_a_row_still_names_are_put_back_and_the_others_dropped()
    {
        var host = await StoreHost.StartAsync();
        var kept = await host.Client.CreateMediaAsync("delete never committed");
        var job = await host.CreateAsync("exif", JobKit.Form("in.txt", Forms.Text("job input")));
        var jobId = job.GetProperty("job_id").GetString()!;
        var relative = kept.Str("file_path")!;
        var aside = Path.Combine(host.Settings.MediaDir, ".tmp", "aside-0123", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
        File.Move(host.MediaPath(relative), aside);
        var jobAside = Path.Combine(host.Settings.JobsDir, ".tmp", "aside-4567", "jobs", jobId);
        Directory.CreateDirectory(Path.GetDirectoryName(jobAside)!);
        Directory.Move(Path.Combine(host.Settings.JobsDir, jobId), jobAside);
        var committedDelete = Plant(host.Settings.MediaDir, ".tmp", "aside-89ab", "store", "2024", "05", "06", "gone.png");

        await using var restarted = await RestartAsync(host);
        Assert.Equal("delete never committed", File.ReadAllText(restarted.MediaPath(relative)));
        Assert.True(File.Exists(Path.Combine(restarted.Settings.JobsDir, jobId, "input", "in.txt")));
        Assert.False(File.Exists(committedDelete));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(restarted.Settings.MediaDir, ".tmp")));
    }
}
