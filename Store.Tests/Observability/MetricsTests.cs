using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Store.Media;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;
using Store.Tests.Media;

namespace Store.Tests.Observability;

/// <summary>GET /metrics scraped over HTTP before and after real traffic: uploads, a tool failure, a job whose lease lapses, a worker.</summary>
public sealed class MetricsTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The sum of the series of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.
    /// Counters are process-wide, so other tests' traffic may add to them: only growth is asserted.
    /// </summary>
    static double Value(string scrape, string name, params string[] labels) => scrape.Split('\n')
        .Where(l => l.StartsWith(name + "{") || l.StartsWith(name + " "))
        .Where(l => labels.All(label => l.Contains(label)))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    [Fact]
    public async Task The_numbers_move_with_real_traffic()
    {
        await using var host = await StoreHost.StartAsync(s => s with { MetricsEnabled = true, JobLeaseSeconds = 1 },
            b => b.Services.AddSingleton(new MediaToolOptions { FfprobePath = "/nonexistent/ffprobe" }));
        var before = await host.Client.GetStringAsync("/metrics", Ct);
        var video = await TestMedia.VideoAsync(3, "mp4");

        var photo = TestMedia.Jpeg(Random.Shared.Next());
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync("/entities", Forms.Entity(false, "photo", file: photo), Ct)).StatusCode);
        // ffprobe is missing here: the video cannot be read now (503), and the failure is counted.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.PostAsync("/entities", Forms.Entity(false, "clip", file: video), Ct)).StatusCode);
        var job = (await host.CreateAsync("metrics_task", JobKit.Form("in.bin", [1, 2, 3]))).JobId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.ClaimAsync("silent", ["metrics_task"])).StatusCode);
        await host.WaitForJobAsync(job, j => j.Str("status") == "pending");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.HeartbeatAsync("alive-worker", ["other_task"], 1)).StatusCode);

        var after = await host.Client.GetStringAsync("/metrics", Ct);
        void Grew(string name, params string[] labels) =>
            Assert.True(Value(after, name, labels) > Value(before, name, labels), $"{name} {string.Join(",", labels)} did not grow:\n{after}");

        Grew("store_http_request_duration_seconds_count", "method=\"POST\"", "route=\"/entities\"", "status=\"201\"");
        Grew("store_http_request_duration_seconds_count", "route=\"/entities\"", "status=\"503\"");
        Grew("store_http_request_duration_seconds_bucket", "route=\"/entities\"", "status=\"201\"", "le=\"+Inf\"");
        Grew("store_upload_bytes_total");
        Assert.True(Value(after, "store_upload_bytes_total") - Value(before, "store_upload_bytes_total") >= photo.Length + video.Length);
        foreach (var stage in new[] { "receive", "inspect", "hash", "store" })
            Grew("store_upload_stage_duration_seconds_count", $"stage=\"{stage}\"");
        Grew("store_tool_duration_seconds_count", "tool=\"exiftool\"");
        Grew("store_tool_failures_total", "tool=\"ffprobe\"");
        Grew("store_jobs_lease_expiries_total");

        Assert.True(Value(after, "store_jobs", "status=\"pending\"", "task_type=\"metrics_task\"") >= 1, after);
        Assert.True(Value(after, "store_workers_live") >= 1, after);
        Assert.True(Value(after, "store_database_size_bytes") > 0, after);
        Assert.True(Value(after, "store_media_size_bytes") >= photo.Length, after);
        Assert.True(Value(after, "store_media_files") >= 1, after);
        Assert.Contains("# TYPE store_http_request_duration_seconds histogram", after);
    }

    [Fact]
    public async Task Without_the_setting_there_is_no_metrics_endpoint()
    {
        await using var host = await StoreHost.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/metrics", Ct)).StatusCode);
    }
}
