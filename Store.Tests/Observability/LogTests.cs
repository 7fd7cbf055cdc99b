using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Store.Tests.Infrastructure;

namespace Store.Tests.Observability;

/// <summary>What a real `store` process prints: its start-up lines, a line per request, 5xx with their exception, and a stop line.</summary>
[Trait("speed", "slow")]
public sealed class LogTests : IDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly string _dir = Path.Combine(Path.GetTempPath(), "store-tests", "logs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    async Task<(StoreProcess Store, HttpClient Client)> StartAsync(Dictionary<string, string>? env = null, params string[] flags)
    {
        var port = StoreProcess.FreePort();
        var all = new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir };
        foreach (var (k, v) in env ?? []) all[k] = v;
        var store = StoreProcess.Start(["--host", "127.0.0.1", "--port", port.ToString(), .. flags], all);
        var address = new Uri($"http://127.0.0.1:{port}");
        await store.WaitUntilHealthyAsync(address);
        return (store, new HttpClient { BaseAddress = address });
    }

    [Fact]
    public async Task Start_up_lines_name_the_address_the_data_the_auth_mode_the_worker_and_the_tools_and_stop_is_one_line()
    {
        var (store, client) = await StartAsync();
        await using var running = store;
        await store.WaitForOutputAsync("Metrics:");
        var output = store.StandardOutput;
        Assert.Contains($"Store listening on {client.BaseAddress!.ToString().TrimEnd('/')}", output);
        Assert.Contains($"Data folder {_dir}: database {Path.Combine(_dir, "media_store.db")}, media {Path.Combine(_dir, "media")}, jobs {Path.Combine(_dir, "jobs")}", output);
        Assert.Contains($"Auth: on; no usable public key yet, waiting for {Path.Combine(_dir, "public_key.pem")}", output);
        Assert.Contains("Reads: public (read auth off, guest mode on)", output);
        Assert.Contains("Built-in worker: exif, image_conversion, image_resize, image_thumbnail, media_hash", output);
        Assert.Matches(@"Tools: exiftool \d+\.\d+ \(/[^)]*exiftool\), ffprobe \S+ \(/[^)]*ffprobe\)", output);
        Assert.Contains("Metrics: off", output);
        Assert.DoesNotContain("Store stopped", output);

        Assert.Equal(0, await store.SignalAndWaitAsync("TERM"));
        Assert.Single(store.StandardOutput.Split('\n'), l => l.Contains("Store stopped after"));
    }

    [Fact]
    public async Task With_a_key_in_place_the_start_up_says_so_and_request_lines_name_the_caller_but_never_a_token()
    {
        using var key = TestKey.Create();
        key.WritePublicKey(Path.Combine(_dir, "public_key.pem"));
        var (store, client) = await StartAsync(null, "--no-builtin-worker");
        await using var running = store;
        await store.WaitForOutputAsync("Metrics:");
        Assert.Contains($"Auth: on; public key loaded from {Path.Combine(_dir, "public_key.pem")}", store.StandardOutput);
        Assert.Contains("Built-in worker: off", store.StandardOutput);

        var token = key.Token(sub: "alice", permissions: ["media_store_write"]);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await client.CreateCollectionAsync("logged");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/entities/{created.Id()}?access_token=s3cr3t-value&api_key=k3y-value&page=1", Ct)).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/entities", Ct)).StatusCode);

        await store.WaitForOutputAsync("GET /entities 401");
        var output = store.StandardOutput;
        Assert.Matches(@"POST /entities 201 [\d.]+ ms sub=alice", output);
        Assert.Contains($"GET /entities/{created.Id()}?access_token=***&api_key=***&page=1 200", output);
        Assert.Matches(@"GET /entities 401 [\d.]+ ms sub=-", output);
        foreach (var secret in new[] { token, token.Split('.')[2], "s3cr3t-value", "k3y-value", "not.a.token", "BEGIN PUBLIC KEY" })
            Assert.DoesNotContain(secret, output);
    }

    [Fact]
    public async Task Json_format_writes_one_object_a_line_and_a_500_carries_its_exception()
    {
        var (store, client) = await StartAsync(new() { ["LOG_FORMAT"] = "json" }, "--no-auth");
        await using var running = store;
        // A real fault: the table under the list is gone.
        using (var db = new SqliteConnection($"Data Source={Path.Combine(_dir, "media_store.db")};Pooling=false"))
            db.Execute("PRAGMA foreign_keys=OFF; DROP TABLE entities;");
        var response = await client.GetAsync("/entities", Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("""{"detail":"Internal server error"}""", await response.Content.ReadAsStringAsync(Ct));

        await store.WaitForOutputAsync("GET /entities 500");
        var lines = store.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Contains(entries, e => e.GetProperty("Message").GetString()!.StartsWith("Store listening on"));
        var failure = Assert.Single(entries, e => e.GetProperty("Message").GetString()!.StartsWith("GET /entities 500"));
        Assert.Equal("Error", failure.GetProperty("LogLevel").GetString());
        Assert.Equal("Store.Requests", failure.GetProperty("Category").GetString());
        Assert.Contains("no such table: entities", failure.GetProperty("Exception").GetString());
        Assert.Equal(500, failure.GetProperty("State").GetProperty("Status").GetInt32());
        Assert.Equal("/entities", failure.GetProperty("State").GetProperty("Path").GetString());
        // ASP.NET's exception handler's own line would repeat it. (A background pass may log the dropped table too.)
        Assert.DoesNotContain(entries, e => e.TryGetProperty("Exception", out _)
            && e.GetProperty("Category").GetString()!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_level_warning_leaves_out_the_information_lines()
    {
        var (store, client) = await StartAsync(new() { ["LOG_LEVEL"] = "warning" }, "--no-auth");
        await using var running = store;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/entities", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/entities/424242", Ct)).StatusCode);
        // Stopped, its output is all there: a line that was to come has come.
        Assert.Equal(0, await store.SignalAndWaitAsync("TERM"));
        Assert.DoesNotContain("GET /entities", store.StandardOutput);
        Assert.DoesNotContain("Store listening", store.StandardOutput);
    }

    [Theory]
    [InlineData("LOG_LEVEL", "loud")]
    [InlineData("LOG_FORMAT", "xml")]
    [InlineData("METRICS_ENABLED", "perhaps")]
    public async Task Bad_log_and_metrics_settings_are_refused_with_their_name(string name, string value)
    {
        var (code, _, error) = await StoreProcess.RunAsync([], new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir, [name] = value });
        Assert.Equal(2, code);
        Assert.Contains(name, error);
    }
}
