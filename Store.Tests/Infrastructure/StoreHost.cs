using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Store.Hosting;

namespace Store.Tests.Infrastructure;

/// <summary>
/// A real Store service with a fresh data folder and SQLite file (a copy of the <see cref="TemplateDatabase"/>), or
/// with STORE_TEST_DATABASE=postgres a fresh PostgreSQL database (<see cref="TestDatabase"/>).
/// Each test class (or test) starts its own, so tests never share state. The whole HTTP pipeline runs; by default
/// its server is the in-memory TestServer, and <see cref="Server.Kestrel"/> puts it on a real socket at 127.0.0.1
/// for what only a socket shows: other processes calling in, streams over the wire, the listening port, Kestrel's
/// own limits.
/// </summary>
public sealed class StoreHost : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required StoreSettings Settings { get; init; }
    public required HttpClient Client { get; init; }
    public required Uri BaseAddress { get; init; }
    public required Server Server { get; init; }
    /// <summary>Set to stop the service but keep its data folder, for a test that restarts another service on it.</summary>
    public bool KeepData { get; set; }

    /// <summary>A new service on this one's data folder and settings (a restart, once this one is disposed with KeepData).</summary>
    public Task<StoreHost> RestartOnSameDataAsync(Func<StoreSettings, StoreSettings>? tweak = null)
    {
        var settings = Settings;
        return StartAsync(_ => tweak is null ? settings : tweak(settings), server: Server);
    }

    public static async Task<StoreHost> StartAsync(Func<StoreSettings, StoreSettings>? tweak = null, Action<WebApplicationBuilder>? configure = null,
        Server server = Server.InMemory)
    {
        var dir = Path.Combine(Path.GetTempPath(), "store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var databaseUrl = TestDatabase.Postgres ? await TestDatabase.CreatePostgresAsync() : null;
        var settings = StoreSettings.FromEnvironment(name => name switch { "CL_SERVER_DIR" => dir, "DATABASE_URL" => databaseUrl, _ => null }) with
        {
            Host = "127.0.0.1",
            Port = 0,
            BuiltinWorker = false,
            // Tests of other areas run open; the auth tests (Store.Tests/Auth) turn it on with AuthHost.
            AuthDisabled = true,
            // Request lines of hundreds of in-process services would drown the test output; the logging tests run real processes.
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        };
        // STORE_TEST_STORAGE=s3: the same tests with stored files and previews in a fresh bucket of the run's s3rver.
        if (S3Server.Selected) settings = settings with { S3 = await (await S3Server.GetAsync()).NewBucketAsync() };
        var made = settings.PostgresConnection;
        if (tweak is not null) settings = tweak(settings);
        // A restart keeps the database of the service before it.
        if (made is not null && made != settings.PostgresConnection) await TestDatabase.DropPostgresAsync(made);
        if (!settings.NoMigrate && settings.PostgresConnection is null) TemplateDatabase.CopyTo(settings.DatabasePath);

        var app = StoreApp.Build(settings, ["http://127.0.0.1:0"], builder =>
        {
            if (server == Server.InMemory) builder.WebHost.UseTestServer();
            configure?.Invoke(builder);
            SharedExifTool.UseIfDefault(builder);
        });
        await app.StartAsync();
        var address = server == Server.InMemory ? new Uri("http://localhost/") : new Uri(app.Urls.First());
        return new StoreHost
        {
            App = app,
            Settings = settings,
            BaseAddress = address,
            Server = server,
            Client = NewClient(app, server, address),
        };
    }

    public HttpClient NewClient(string? bearer = null)
    {
        var client = NewClient(App, Server, BaseAddress);
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    static HttpClient NewClient(WebApplication app, Server server, Uri address)
    {
        var client = server == Server.InMemory ? app.GetTestServer().CreateClient() : new HttpClient();
        client.BaseAddress = address;
        client.Timeout = TimeSpan.FromSeconds(60);
        return client;
    }

    public string MediaPath(string relative) => Path.Combine(Settings.MediaDir, relative);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepData) return;
        if (Settings.PostgresConnection is { } postgres) await TestDatabase.DropPostgresAsync(postgres);
        try { Directory.Delete(Settings.ServerDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Where a <see cref="StoreHost"/> takes its requests.</summary>
public enum Server
{
    /// <summary>The in-memory TestServer: requests go through the whole pipeline without a socket.</summary>
    InMemory,
    /// <summary>Kestrel on a free port of 127.0.0.1.</summary>
    Kestrel,
}

/// <summary>Shared JSON helpers: the wire is snake_case.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
