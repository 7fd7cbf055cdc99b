using Store.Auth;
using Store.Compute.Queue;
using Store.Data;
using Store.Events;
using Store.Media;
using Store.Observability;
using Store.Ops;
using Store.Storage;

namespace Store.Hosting;

/// <summary>Everything the service reads from its environment and command line, resolved once at start.</summary>
public sealed record StoreSettings
{
    public required string ServerDir { get; init; }
    public required string DatabasePath { get; init; }
    /// <summary>Set by DATABASE_URL=postgres://… (an Npgsql connection string): the store then runs on PostgreSQL and <see cref="DatabasePath"/> is unused.</summary>
    public string? PostgresConnection { get; init; }
    public required string MediaDir { get; init; }
    public required string PublicKeyPath { get; init; }
    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8001;
    public bool AuthDisabled { get; init; }
    public bool ReadAuthEnabled { get; init; }
    public bool NoMigrate { get; init; }
    public bool BuiltinWorker { get; init; } = true;
    public int WorkerTtlSeconds { get; init; } = 30;
    public int JobLeaseSeconds { get; init; } = 60;
    public int JobMaxRetries { get; init; } = 3;
    public int JobRetentionDays { get; init; } = 7;
    public IReadOnlyList<string> JobExternalRoots { get; init; } = [];
    public long MaxUploadBytes { get; init; } = 20L * 1024 * 1024 * 1024;
    /// <summary>Uploads are refused (507) once they would leave less than this free; deletes go on below it.</summary>
    public long MinFreeBytes { get; init; } = DefaultMinFreeBytes;
    public const long DefaultMinFreeBytes = 64L * 1024 * 1024;
    /// <summary>The MQTT broker's host; events are published only when it is set.</summary>
    public string? MqttBroker { get; init; }
    public int MqttPort { get; init; } = 1883;
    /// <summary>The least severe log line written; LOG_LEVEL.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    /// <summary>LOG_FORMAT=json: one JSON object a line instead of plain text.</summary>
    public bool LogJson { get; init; }
    /// <summary>METRICS_ENABLED: GET /metrics answers in Prometheus text format.</summary>
    public bool MetricsEnabled { get; init; }
    /// <summary>UPLOAD_PREVIEWS=false: an upload skips its small preview and the background pass makes it once uploads are quiet.</summary>
    public bool UploadPreviews { get; init; } = true;
    /// <summary>MEDIA_STORE=s3: stored files and previews live in this bucket; null keeps them in the media folder.</summary>
    public S3Options? S3 { get; init; }

    public string JobsDir => Path.Combine(ServerDir, "jobs");

    // Each module takes its own options, made here: the modules know nothing of the host, its environment or its flags.
    public DbOptions Data => new(DatabasePath, PostgresConnection);
    public StorageOptions Storage => new(ServerDir, MediaDir, DatabasePath, MinFreeBytes) { S3 = S3 };
    public AuthOptions Auth => new(PublicKeyPath, AuthDisabled, ReadAuthEnabled);
    public EventOptions Events => new(MqttBroker, MqttPort, Port, WorkerTtlSeconds);
    public MediaToolOptions Media => new() { PreviewAtUpload = UploadPreviews };
    public ObservabilityOptions Observability => new(LogLevel, LogJson, MetricsEnabled);
    public OpsOptions Ops => new(DatabasePath, MediaDir, PostgresConnection is not null, S3?.Bucket);
    public JobOptions Jobs => new()
    {
        ServerDir = ServerDir,
        MediaDir = MediaDir,
        JobExternalRoots = JobExternalRoots,
        WorkerTtlSeconds = WorkerTtlSeconds,
        JobLeaseSeconds = JobLeaseSeconds,
        JobMaxRetries = JobMaxRetries,
        JobRetentionDays = JobRetentionDays,
        BuiltinWorker = BuiltinWorker,
    };

    /// <summary>Builds settings from environment variables; CLI flags are applied on top by <see cref="Cli"/>.</summary>
    public static StoreSettings FromEnvironment(Func<string, string?> env)
    {
        var serverDir = env("CL_SERVER_DIR");
        if (string.IsNullOrWhiteSpace(serverDir))
            throw new SettingsException(
                "CL_SERVER_DIR is not set. Set it to the folder where the store keeps its database and media, e.g. export CL_SERVER_DIR=~/.data/cl_server_data");
        serverDir = Path.GetFullPath(ExpandHome(serverDir));

        var databaseUrl = env("DATABASE_URL");
        var postgres = PostgresUrl.IsPostgres(databaseUrl);
        return new StoreSettings
        {
            ServerDir = serverDir,
            DatabasePath = (postgres ? null : DatabasePathFrom(databaseUrl)) ?? Path.Combine(serverDir, "media_store.db"),
            PostgresConnection = postgres ? PostgresUrl.ConnectionString(databaseUrl!) : null,
            MediaDir = PathOr(env("MEDIA_STORAGE_DIR"), Path.Combine(serverDir, "media")),
            PublicKeyPath = PathOr(env("PUBLIC_KEY_PATH"), Path.Combine(serverDir, "public_key.pem")),
            Host = env("HOST") is { Length: > 0 } host ? host : "0.0.0.0",
            Port = Int(env, "PORT", 8001, 1, 65535),
            AuthDisabled = Bool(env, "AUTH_DISABLED"),
            ReadAuthEnabled = Bool(env, "READ_AUTH_ENABLED"),
            WorkerTtlSeconds = Int(env, "WORKER_TTL_SECONDS", 30, 1, 86400),
            JobLeaseSeconds = Int(env, "JOB_LEASE_SECONDS", 60, 1, 86400),
            JobMaxRetries = Int(env, "JOB_MAX_RETRIES", 3, 0, 1000),
            JobRetentionDays = Int(env, "JOB_RETENTION_DAYS", 7, 0, 36500),
            // Like PATH: a comma or semicolon is a legal character of a folder name ("Photos, 2024").
            JobExternalRoots = (env("JOB_EXTERNAL_ROOTS") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => Path.GetFullPath(ExpandHome(p)))
                .ToArray(),
            MaxUploadBytes = Long(env, "MAX_UPLOAD_BYTES", 20L * 1024 * 1024 * 1024),
            MinFreeBytes = Long(env, "MIN_FREE_BYTES", DefaultMinFreeBytes, allowZero: true),
            MqttBroker = Broker(env("MQTT_BROKER")),
            MqttPort = Int(env, "MQTT_PORT", 1883, 1, 65535),
            LogLevel = Level(env("LOG_LEVEL")),
            LogJson = Format(env("LOG_FORMAT")),
            MetricsEnabled = Bool(env, "METRICS_ENABLED"),
            UploadPreviews = Bool(env, "UPLOAD_PREVIEWS", fallback: true),
            S3 = MediaStore(env),
        };
    }

    /// <summary>MEDIA_STORE: <c>local</c> (the default) or <c>s3</c> with its bucket settings.</summary>
    static S3Options? MediaStore(Func<string, string?> env)
    {
        var kind = env("MEDIA_STORE")?.Trim().ToLowerInvariant();
        if (kind is null or "" or "local") return null;
        if (kind != "s3") throw new SettingsException($"MEDIA_STORE must be local or s3, not '{env("MEDIA_STORE")}'.");
        string Required(string name) => env(name) is { Length: > 0 } value ? value.Trim()
            : throw new SettingsException($"MEDIA_STORE=s3 needs {name} (S3_BUCKET, S3_ACCESS_KEY and S3_SECRET_KEY; S3_ENDPOINT for a server other than AWS).");
        var endpoint = env("S3_ENDPOINT") is { Length: > 0 } raw ? raw.Trim() : null;
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            throw new SettingsException($"S3_ENDPOINT must be an http:// or https:// address, not '{endpoint}'.");
        return new S3Options(endpoint, Required("S3_BUCKET"), Required("S3_ACCESS_KEY"), Required("S3_SECRET_KEY"),
            env("S3_REGION") is { Length: > 0 } region ? region.Trim() : "us-east-1");
    }

    /// <summary>A host name or address; a URL is refused rather than half-read, since its port would compete with MQTT_PORT.</summary>
    static string? Broker(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var host = raw.Trim();
        return host.Contains("://") || host.Contains('/') || host.Any(char.IsWhiteSpace)
            ? throw new SettingsException($"MQTT_BROKER must be a host name or address (e.g. localhost), not '{raw}'; the port goes in MQTT_PORT.")
            : host;
    }

    static LogLevel Level(string? raw) => raw?.Trim().ToLowerInvariant() switch
    {
        null or "" or "information" or "info" => LogLevel.Information,
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => throw new SettingsException($"LOG_LEVEL must be one of trace, debug, information, warning, error, critical, none; not '{raw}'."),
    };

    static bool Format(string? raw) => raw?.Trim().ToLowerInvariant() switch
    {
        null or "" or "text" => false,
        "json" => true,
        _ => throw new SettingsException($"LOG_FORMAT must be text or json, not '{raw}'."),
    };

    /// <summary>Accepts a plain path or the seed's SQLAlchemy-style <c>sqlite:///path</c>.</summary>
    static string? DatabasePathFrom(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        const string prefix = "sqlite:///";
        var path = url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? url[prefix.Length..] : url;
        // sqlite:////abs/path keeps its leading slash after the prefix; sqlite:///rel/path is relative.
        return Path.GetFullPath(ExpandHome(path));
    }

    static string PathOr(string? value, string fallback) =>
        string.IsNullOrWhiteSpace(value) ? fallback : Path.GetFullPath(ExpandHome(value));

    static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/")
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;

    internal static bool ParseBool(string? value, out bool result)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on": result = true; return true;
            case "false" or "0" or "no" or "off": result = false; return true;
            default: result = false; return false;
        }
    }

    static bool Bool(Func<string, string?> env, string name, bool fallback = false)
    {
        var raw = env(name);
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return ParseBool(raw, out var value) ? value : throw new SettingsException($"{name} must be true or false, not '{raw}'.");
    }

    static int Int(Func<string, string?> env, string name, int fallback, int min, int max)
    {
        var raw = env(name);
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return int.TryParse(raw, out var value) && value >= min && value <= max
            ? value
            : throw new SettingsException($"{name} must be a whole number from {min} to {max}, not '{raw}'.");
    }

    static long Long(Func<string, string?> env, string name, long fallback, bool allowZero = false)
    {
        var raw = env(name);
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return long.TryParse(raw, out var value) && (value > 0 || allowZero && value == 0)
            ? value
            : throw new SettingsException($"{name} must be a {(allowZero ? "whole" : "positive")} number of bytes, not '{raw}'.");
    }
}

public sealed class SettingsException(string message) : Exception(message);
