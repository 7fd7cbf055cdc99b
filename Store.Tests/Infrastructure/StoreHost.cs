using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Store.Hosting;

namespace Store.Tests.Infrastructure;

/// <summary>
/// A real Store service on Kestrel at 127.0.0.1 with a fresh data folder and SQLite file.
/// Each test class (or test) starts its own, so tests never share state.
/// </summary>
public sealed class StoreHost : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required StoreSettings Settings { get; init; }
    public required HttpClient Client { get; init; }
    public required Uri BaseAddress { get; init; }
    /// <summary>Set to stop the service but keep its data folder, for a test that restarts another service on it.</summary>
    public bool KeepData { get; set; }

    /// <summary>A new service on this one's data folder and settings (a restart, once this one is disposed with KeepData).</summary>
    public Task<StoreHost> RestartOnSameDataAsync(Func<StoreSettings, StoreSettings>? tweak = null)
    {
        var settings = Settings;
        return StartAsync(_ => tweak is null ? settings : tweak(settings));
    }

    public static async Task<StoreHost> StartAsync(Func<StoreSettings, StoreSettings>? tweak = null, Action<WebApplicationBuilder>? configure = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var settings = StoreSettings.FromEnvironment(name => name == "CL_SERVER_DIR" ? dir : null) with
        {
            Host = "127.0.0.1",
            Port = 0,
            BuiltinWorker = false,
            // Tests of other areas run open; the auth tests (Store.Tests/Auth) turn it on with AuthHost.
            AuthDisabled = true,
            // Request lines of hundreds of in-process services would drown the test output; the logging tests run real processes.
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        };
        if (tweak is not null) settings = tweak(settings);

        var app = StoreApp.Build(settings, ["http://127.0.0.1:0"], configure);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new StoreHost
        {
            App = app,
            Settings = settings,
            BaseAddress = address,
            Client = NewClient(address),
        };
    }

    public HttpClient NewClient(string? bearer = null)
    {
        var client = NewClient(BaseAddress);
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    static HttpClient NewClient(Uri address) => new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    public string MediaPath(string relative) => Path.Combine(Settings.MediaDir, relative);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepData) return;
        try { Directory.Delete(Settings.ServerDir, recursive: true); } catch (IOException) { }
    }
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
