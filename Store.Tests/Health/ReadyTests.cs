using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Store.Health.Ready;
using Store.Media;
using Store.Tests.Auth;
using Store.Tests.Infrastructure;

namespace Store.Tests.Health;

/// <summary>GET /health/live and /health/ready over HTTP, with real failures: a missing key, a broken folder, no migrations, a missing tool.</summary>
public sealed class ReadyTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly string[] Checks = ["database", "exiftool", "ffprobe", "jobs", "media", "public_key"];

    static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(StoreHost host)
    {
        var response = await host.Client.GetAsync("/health/ready", Ct);
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    static string State(JsonElement body, string check) => body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

    [Fact]
    public async Task Live_answers_while_the_process_runs()
    {
        await using var host = await StoreHost.StartAsync(s => s with { AuthDisabled = false, ReadAuthEnabled = true });
        var response = await host.Client.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"alive"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Ready_lists_every_check_as_ok_with_the_free_space_of_the_folders()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key);
        var (status, body) = await ReadyAsync(host);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal(Checks, body.GetProperty("checks").EnumerateObject().Select(p => p.Name).ToArray());
        foreach (var check in Checks) Assert.Equal("ok", State(body, check));
        Assert.True(body.GetProperty("checks").GetProperty("media").GetProperty("free_bytes").GetInt64() > 0);
        Assert.True(body.GetProperty("checks").GetProperty("jobs").GetProperty("free_bytes").GetInt64() > 0);
        Assert.Contains("loaded", body.GetProperty("checks").GetProperty("public_key").GetProperty("detail").GetString());
        // Readiness leaves no file behind in the folders it tried.
        Assert.Empty(Directory.GetFiles(host.Settings.MediaDir, ".ready-*"));
    }

    [Fact]
    public async Task Without_the_key_that_auth_needs_it_is_not_ready_and_says_which_file()
    {
        await using var host = await AuthHost.StartAsync(key: null);
        var (status, body) = await ReadyAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("not_ready", body.GetProperty("status").GetString());
        Assert.Equal("failed", State(body, "public_key"));
        Assert.Contains(host.Settings.PublicKeyPath, body.GetProperty("checks").GetProperty("public_key").GetProperty("detail").GetString());
        Assert.Equal("ok", State(body, "database"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health/live", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_media_folder_that_cannot_take_a_file_fails_its_check()
    {
        await using var host = await StoreHost.StartAsync();
        // A file where the folder was: even root cannot create a file inside it.
        Directory.Delete(host.Settings.MediaDir, recursive: true);
        await File.WriteAllTextAsync(host.Settings.MediaDir, "not a folder", Ct);
        var (status, body) = await ReadyAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("failed", State(body, "media"));
        Assert.Equal("ok", State(body, "jobs"));
        File.Delete(host.Settings.MediaDir);
    }

    [Fact]
    public async Task A_database_that_takes_no_write_fails_its_check()
    {
        await using var host = await StoreHost.StartAsync(s => s with { NoMigrate = true });
        var (status, body) = await ReadyAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("failed", State(body, "database"));
        // What failed, not where: answers keep server paths to themselves (the start-up lines name the database).
        Assert.Contains("no such table", body.GetProperty("checks").GetProperty("database").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_tool_that_does_not_answer_fails_its_check()
    {
        await using var host = await StoreHost.StartAsync(configure: b =>
            b.Services.AddSingleton(new MediaToolOptions { ExifToolPath = "/nonexistent/exiftool" }));
        var (status, body) = await ReadyAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("failed", State(body, "exiftool"));
        Assert.Contains("/nonexistent/exiftool", body.GetProperty("checks").GetProperty("exiftool").GetProperty("detail").GetString());
        Assert.Equal("ok", State(body, "ffprobe"));
    }

    [Fact]
    public async Task A_tool_that_goes_away_fails_its_check_once_its_last_answer_is_no_longer_kept()
    {
        var dir = Directory.CreateTempSubdirectory("store-ready-").FullName;
        try
        {
            // The real ffprobe under a path the test can take away.
            var ffprobe = Path.Combine(dir, "ffprobe");
            File.CreateSymbolicLink(ffprobe, MediaTools.Find("ffprobe", Environment.GetEnvironmentVariable("PATH"))!);
            var clock = FakeClock.StartingNow();
            await using var host = await StoreHost.StartAsync(configure: b =>
            {
                b.UseClock(clock);
                b.Services.AddSingleton(new MediaToolOptions { FfprobePath = ffprobe });
            });
            var (status, body) = await ReadyAsync(host);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("ok", State(body, "ffprobe"));

            File.Delete(ffprobe);
            // Within the time an answer is kept the tool is not started again.
            (status, _) = await ReadyAsync(host);
            Assert.Equal(HttpStatusCode.OK, status);

            clock.Advance(ReadinessChecks.ToolAnswerKept);
            (status, body) = await ReadyAsync(host);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("failed", State(body, "ffprobe"));
            Assert.Contains(ffprobe, body.GetProperty("checks").GetProperty("ffprobe").GetProperty("detail").GetString());
            Assert.Equal("ok", State(body, "exiftool"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
