using System.Runtime.InteropServices;

namespace Store.Worker;

/// <summary>
/// <c>store worker --server URL [--token T] [--tasks a,b] [--id ID] [--heartbeat S]</c>: runs the built-in tasks for a
/// store anywhere on the network, over HTTP only. Runs until Ctrl+C or SIGTERM.
/// </summary>
public sealed record WorkerCommand(Uri Server, string? Token, IReadOnlyList<string> Tasks, string WorkerId, TimeSpan HeartbeatEvery)
{
    public const string Usage = """
        Usage: store worker --server URL [--token T] [--tasks a,b] [--id ID] [--heartbeat S]
          --server URL     the store, e.g. http://nas.local:8001
          --token T        a JWT with ai_inference_support (or set STORE_TOKEN); not needed when auth is off
          --tasks a,b      task types to run (default: all of them): image_resize, image_conversion,
                           image_thumbnail, exif, media_hash
          --id ID          worker id (default: <hostname>-<pid>)
          --heartbeat S    seconds between heartbeats (default 5); keep it under a third of the store's
                           WORKER_TTL_SECONDS and JOB_LEASE_SECONDS
        An unreachable store or a 5xx is retried; a token the store refuses (401/403) stops the worker
        with exit code 4.
        """;

    /// <summary>The exit code when the store refuses the worker's token.</summary>
    public const int RefusedExitCode = 4;

    public static WorkerCommand Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        string? server = null, token = env("STORE_TOKEN"), tasks = null, id = null, heartbeat = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{arg} needs a value.");
            switch (arg)
            {
                case "--server": server = Value(); break;
                case "--token": token = Value(); break;
                case "--tasks": tasks = Value(); break;
                case "--id": id = Value(); break;
                case "--heartbeat": heartbeat = Value(); break;
                default: throw new UsageException($"Unknown argument '{arg}'.\n{Usage}");
            }
        }

        if (server is null || !Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"--server must be the store's http(s) address, e.g. http://localhost:8001\n{Usage}");

        var names = tasks is null
            ? ComputeTasks.Builtin.Keys.ToList()
            : tasks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (names.Count == 0) throw new UsageException("--tasks needs at least one task type.");
        var unknown = names.Where(n => !ComputeTasks.Builtin.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"Unknown task type(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", ComputeTasks.Builtin.Keys)}");

        var every = 5.0;
        if (heartbeat is not null && (!double.TryParse(heartbeat, System.Globalization.CultureInfo.InvariantCulture, out every) || every is < 0.1 or > 3600))
            throw new UsageException("--heartbeat must be a number of seconds from 0.1 to 3600.");

        var workerId = string.IsNullOrWhiteSpace(id) ? $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}" : id.Trim();
        return new WorkerCommand(uri, string.IsNullOrEmpty(token) ? null : token, names, workerId, TimeSpan.FromSeconds(every));
    }

    /// <summary>Runs the worker loop until <paramref name="ct"/> is cancelled; the CLI and the tests call this.</summary>
    public async Task RunAsync(ILogger log, CancellationToken ct)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"store-worker-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            using var backend = new HttpWorkerBackend(Server, Token, WorkerId);
            var tasks = Tasks.ToDictionary(n => n, n => ComputeTasks.Builtin[n], StringComparer.Ordinal);
            var loop = new WorkerLoop(backend, tasks, new WorkerOptions(HeartbeatEvery, ClaimWaitSeconds: 20, scratch), log);
            await loop.RunAsync(ct);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The CLI entry: parses, logs to the console and stops on Ctrl+C or SIGTERM.</summary>
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        var command = Parse(args, Environment.GetEnvironmentVariable);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        var log = loggers.CreateLogger("store.worker");

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        log.LogInformation("Worker {Id} serving {Tasks} for {Server}", command.WorkerId, string.Join(",", command.Tasks), command.Server);
        try
        {
            await command.RunAsync(log, stop.Token);
        }
        catch (WorkerRefusedException e)
        {
            log.LogError("Worker {Id} stopped: {Reason}", command.WorkerId, e.Message);
            return RefusedExitCode;
        }
        log.LogInformation("Worker {Id} stopped", command.WorkerId);
        return 0;
    }
}

/// <summary>A command line <c>store worker</c> cannot run with; the message says what to change (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
