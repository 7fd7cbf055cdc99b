using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Store.Media;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>ExifTool stays open between uploads; a hung or crashed one is replaced and never outlives the app.</summary>
[Trait("speed", "slow")]
public sealed class ExifToolPoolTests
{
    static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
    }

    static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
    }

    static async Task<HttpResponseMessage> Upload(StoreHost host, int seed) =>
        await host.Client.PostAsync("/entities", Forms.Entity(false, "p", file: TestMedia.Png(seed)), TestContext.Current.CancellationToken);

    [Fact]
    public async Task One_exiftool_serves_many_uploads_and_stops_with_the_app()
    {
        var host = await StoreHost.StartAsync(configure: b => b.Services.AddSingleton(new MediaToolOptions { ExifToolProcesses = 1 }));
        var pool = host.App.Services.GetRequiredService<ExifToolPool>();
        Assert.Empty(pool.ProcessIds); // started on first use only

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Created, (await Upload(host, 300 + i)).StatusCode);
        var pid = Assert.Single(pool.ProcessIds);
        Assert.True(Alive(pid));

        await host.DisposeAsync();
        Assert.False(Alive(pid));
    }

    [Fact]
    public async Task A_service_killed_with_SIGKILL_leaves_no_exiftool_behind()
    {
        var dir = TestMedia.TempDir();
        var port = StoreProcess.FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        await using var store = StoreProcess.Start(["--host", "127.0.0.1", "--port", port.ToString(), "--no-auth"],
            new Dictionary<string, string> { ["CL_SERVER_DIR"] = dir });
        await store.WaitUntilHealthyAsync(address);
        using (var client = new HttpClient { BaseAddress = address })
        {
            var created = await client.PostAsync("/entities", Forms.Entity(false, "p", file: TestMedia.Png(700)), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // ExifTool is the service's child; its watchdog is ExifTool's.
        var exiftools = ProcFs.Children(store.Id).Where(p => ProcFs.Name(p.Pid) == "exiftool").ToList();
        Assert.NotEmpty(exiftools);
        var left = exiftools.Concat(exiftools.SelectMany(e => ProcFs.Children(e.Pid))).ToList();
        Assert.True(left.Count > exiftools.Count, "each ExifTool has a watchdog");

        using (var service = Process.GetProcessById(store.Id)) service.Kill(entireProcessTree: false);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (left.Any(ProcFs.Alive) && DateTime.UtcNow < deadline) await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(left, ProcFs.Alive);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Concurrent_reads_share_a_bounded_pool()
    {
        using var pool = new ExifToolPool(new MediaToolOptions { ExifToolProcesses = 2 });
        var reader = new ExifToolReader(pool);
        var dir = TestMedia.TempDir();
        var files = Enumerable.Range(0, 12).Select(i =>
        {
            var path = Path.Combine(dir, $"{i}.png");
            File.WriteAllBytes(path, TestMedia.Png(400 + i, 30 + i, 20));
            return path;
        }).ToList();

        var facts = await Task.WhenAll(files.Select(f => reader.ReadAsync(f, TestContext.Current.CancellationToken)));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => 30 + i), facts.Select(f => f.Width!.Value));
        Assert.All(facts, f => Assert.Equal("image/png", f.MimeType));
        Assert.InRange(pool.ProcessIds.Count, 1, 2);
        Directory.Delete(dir, true);
    }

    /// <summary>How long a fresh ExifTool takes, here and now, to start and answer for one file.</summary>
    static async Task<TimeSpan> FreshAnswerTime()
    {
        var dir = TestMedia.TempDir();
        var path = Path.Combine(dir, "probe.png");
        File.WriteAllBytes(path, TestMedia.Png(499));
        using var pool = new ExifToolPool(new MediaToolOptions { ExifToolProcesses = 1 });
        var clock = Stopwatch.StartNew();
        await new ExifToolReader(pool).ReadAsync(path, TestContext.Current.CancellationToken);
        var took = clock.Elapsed;
        Directory.Delete(dir, true);
        return took;
    }

    [Fact]
    public async Task A_hung_exiftool_fails_the_request_cleanly_and_is_replaced()
    {
        // The timeout also bounds a fresh ExifTool's start (Perl and its modules): the first upload's, and the
        // replacement's. Idle that is a fraction of a second and the timeout stays 2 s; on a loaded machine it is
        // scaled up from the start just measured, so that only the hung process ever reaches it.
        var timeout = TimeSpan.FromSeconds(Math.Max(2, 5 * (await FreshAnswerTime()).TotalSeconds));
        var host = await StoreHost.StartAsync(configure: b => b.Services.AddSingleton(
            new MediaToolOptions { ExifToolProcesses = 1, ExifToolTimeout = timeout }));
        await using var _ = host;
        var pool = host.App.Services.GetRequiredService<ExifToolPool>();
        Assert.Equal(HttpStatusCode.Created, (await Upload(host, 500)).StatusCode);
        var hung = Assert.Single(pool.ProcessIds);

        Signal("STOP", hung);
        var failed = await Upload(host, 501);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Contains("ExifTool did not answer", (await failed.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.False(Alive(hung));
        Assert.Empty(Directory.GetFiles(host.MediaPath(".tmp")));

        var retried = await Upload(host, 501);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.NotEqual(hung, Assert.Single(pool.ProcessIds));
    }

    [Fact]
    public async Task A_crashed_exiftool_is_replaced()
    {
        await using var host = await StoreHost.StartAsync(configure: b => b.Services.AddSingleton(new MediaToolOptions { ExifToolProcesses = 1 }));
        var pool = host.App.Services.GetRequiredService<ExifToolPool>();
        Assert.Equal(HttpStatusCode.Created, (await Upload(host, 600)).StatusCode);
        var crashed = Assert.Single(pool.ProcessIds);

        Signal("KILL", crashed);
        for (var i = 0; i < 50 && Alive(crashed); i++) await Task.Delay(20, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, (await Upload(host, 601)).StatusCode);
        Assert.NotEqual(crashed, Assert.Single(pool.ProcessIds));
    }
}
