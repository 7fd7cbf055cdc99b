using System.Data.Common;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Store.Auth;
using Store.Compute.Queue;
using Store.Data;
using Store.Events;
using Store.Media;
using Store.Storage;
using Store.Worker;

namespace Store.Observability;

/// <summary>
/// What a new user needs to see at start, in a few lines: where Store listens and keeps its data,
/// how it checks tokens (and which key file it waits for), whether reads are public, what the
/// built-in worker runs and which tools it found. One line when it stops. Each line reads the options the module it
/// describes was given, so it says what that module runs with.
/// </summary>
public sealed class StartupLines(
    IHostApplicationLifetime lifetime, IServer server, DbOptions data, StorageOptions storage, AuthOptions auth, JobOptions jobs,
    EventOptions events, ObservabilityOptions observability, PublicKeyFile keys, ReadAuthSwitch readAuth,
    MediaToolOptions tools, ILoggerFactory logs) : IHostedService
{
    readonly ILogger log = logs.CreateLogger("Store");

    DateTimeOffset _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = WriteAsync());
        lifetime.ApplicationStopped.Register(() =>
            log.LogInformation("Store stopped after {Uptime}", (DateTimeOffset.UtcNow - _started).ToString(@"d\.hh\:mm\:ss")));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task WriteAsync()
    {
        _started = DateTimeOffset.UtcNow;
        // Below Information none of these lines is written, and asking for the tools' versions starts a Perl and an
        // ffprobe each time (about 0.25 s of CPU): the test suite starts hundreds of services at Warning.
        if (!log.IsEnabled(LogLevel.Information)) return;
        try
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            log.LogInformation("Store listening on {Urls}", string.Join(", ", urls));
            log.LogInformation("Data folder {ServerDir}: database {Database}, media {Media}, jobs {Jobs}",
                storage.ServerDir, data.PostgresConnectionString is { } postgres ? PostgresUrl.Describe(postgres) : data.DatabasePath, storage.MediaDir, storage.JobsDir);
            if (storage.S3 is { } s3)
                log.LogInformation("Stored files and previews: bucket {Bucket} at {Endpoint} (MEDIA_STORE=s3); uploads are inspected in {Temp} first",
                    s3.Bucket, s3.Endpoint ?? $"AWS {s3.Region}", Path.Combine(storage.MediaDir, ".tmp"));
            log.LogInformation("Auth: {Auth}", Auth());
            log.LogInformation("Reads: {Reads}", await ReadsAsync());
            log.LogInformation("Built-in worker: {Worker}", jobs.BuiltinWorker
                ? string.Join(", ", ComputeTasks.Builtin.Keys.Except(ComputeTasks.Aliases.Keys).Order(StringComparer.Ordinal))
                : "off (--no-builtin-worker); jobs wait for external workers");
            log.LogInformation("Tools: {Tools}", await ToolsAsync());
            log.LogInformation("Metrics: {Metrics}; MQTT: {Mqtt}",
                observability.MetricsEnabled ? "GET /metrics (Prometheus text)" : "off (METRICS_ENABLED=true turns them on)",
                events.MqttBroker is { } broker ? $"{broker}:{events.MqttPort}" : "off (MQTT_BROKER not set)");
        }
        catch (Exception e)
        {
            // These lines only describe the service; failing to write one must not stop it.
            log.LogWarning(e, "Could not write the start-up lines");
        }
    }

    string Auth()
    {
        if (auth.AuthDisabled) return "disabled (AUTH_DISABLED or --no-auth): every endpoint is open, tokens are ignored";
        var key = keys.Current();
        return key.Key is not null
            ? $"on; public key loaded from {keys.Path}"
            : $"on; no usable public key yet, waiting for {keys.Path} (PUBLIC_KEY_PATH): requests that need a token answer 503 until it is there";
    }

    async Task<string> ReadsAsync()
    {
        if (auth.AuthDisabled) return "public (guest mode on)";
        bool on;
        try { on = await readAuth.EnabledAsync(); }
        catch (DbException) { on = auth.ReadAuthEnabled; }
        return on ? "need a token (read auth on, guest mode off)" : "public (read auth off, guest mode on)";
    }

    async Task<string> ToolsAsync()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var found = new List<string>();
        foreach (var tool in new[] { tools.ExifToolPath, tools.FfprobePath })
        {
            if (MediaTools.Find(tool, path) is not { } full) { found.Add($"{tool} not found"); continue; }
            var (version, problem) = await ToolVersions.AskAsync(full, CancellationToken.None);
            found.Add(version is null ? $"{tool} at {full} ({problem})" : $"{tool} {version} ({full})");
        }
        return string.Join(", ", found);
    }
}
