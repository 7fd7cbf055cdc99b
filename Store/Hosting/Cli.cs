namespace Store.Hosting;

/// <summary>The parsed command line: which command to run and the flags that override the environment.</summary>
public sealed record Cli(string Command, string? Host, int? Port, bool NoAuth, bool NoMigrate, bool NoBuiltinWorker, string[] Rest)
{
    public const string Usage = """
        Usage:
          store [--host H] [--port P] [--no-auth] [--no-migrate] [--no-builtin-worker]
                                  start the service (default port 8001)
          store migrate           apply the database migrations and exit
          store worker --server URL [--token T] [--tasks a,b] [--id ID] [--heartbeat S]
                                  run compute tasks for a store over HTTP ('store worker --help')
          store import <folder> --server URL [--token T] [--collections] [--parallel N] [--all]
                                  upload a folder tree of photos and videos ('store import --help')
          store backup <dir>      copy the database (online) and every stored file into <dir>
          store verify [--repair] check every row against its file; --repair removes files no row names
          store --help            show this text

        Configuration comes from the environment: CL_SERVER_DIR (required), DATABASE_URL,
        MEDIA_STORAGE_DIR, PUBLIC_KEY_PATH, AUTH_DISABLED, READ_AUTH_ENABLED, HOST, PORT,
        WORKER_TTL_SECONDS, JOB_LEASE_SECONDS, JOB_MAX_RETRIES, JOB_RETENTION_DAYS,
        JOB_EXTERNAL_ROOTS, MAX_UPLOAD_BYTES, MIN_FREE_BYTES, MQTT_BROKER, MQTT_PORT, LOG_LEVEL, LOG_FORMAT,
        METRICS_ENABLED. Flags win over the environment.
        """;

    public static Cli Parse(string[] args)
    {
        var command = "serve";
        string? host = null;
        int? port = null;
        bool noAuth = false, noMigrate = false, noWorker = false;
        var rest = new List<string>();
        var i = 0;
        if (args.Length > 0 && args[0] is "migrate" or "worker" or "serve" or "backup" or "verify" or "import")
        {
            command = args[0];
            i = 1;
        }
        if (command is "worker" or "backup" or "verify" or "import") return new Cli(command, null, null, false, false, false, args[1..]);

        for (; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help": return new Cli("help", null, null, false, false, false, []);
                case "--no-auth": noAuth = true; break;
                case "--no-migrate": noMigrate = true; break;
                case "--no-builtin-worker": noWorker = true; break;
                case "--host": host = Value(args, ref i, arg); break;
                case "--port":
                    var raw = Value(args, ref i, arg);
                    port = int.TryParse(raw, out var p) && p is > 0 and < 65536
                        ? p
                        : throw new SettingsException($"--port must be a number from 1 to 65535, not '{raw}'.");
                    break;
                default:
                    if (arg.StartsWith("--host=")) host = arg["--host=".Length..];
                    else if (arg.StartsWith("--port="))
                    {
                        var v = arg["--port=".Length..];
                        port = int.TryParse(v, out var pp) && pp is > 0 and < 65536 ? pp
                            : throw new SettingsException($"--port must be a number from 1 to 65535, not '{v}'.");
                    }
                    else throw new SettingsException($"Unknown argument '{arg}'. Run 'store --help' for the options.");
                    break;
            }
        }
        return new Cli(command, host, port, noAuth, noMigrate, noWorker, rest.ToArray());
    }

    static string Value(string[] args, ref int i, string flag) =>
        i + 1 < args.Length ? args[++i] : throw new SettingsException($"{flag} needs a value.");

    public StoreSettings Apply(StoreSettings settings) => settings with
    {
        Host = Host ?? settings.Host,
        Port = Port ?? settings.Port,
        AuthDisabled = settings.AuthDisabled || NoAuth,
        NoMigrate = settings.NoMigrate || NoMigrate,
        BuiltinWorker = settings.BuiltinWorker && !NoBuiltinWorker,
    };
}
