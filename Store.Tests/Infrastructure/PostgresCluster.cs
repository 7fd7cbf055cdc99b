using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Store.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server (Debian's <c>postgresql</c> package, installed by scripts/install-tools --tests): a
/// cluster made with initdb in a temporary folder, started on a free loopback port, shared by the whole run and
/// stopped at its end. Each test takes a database of its own (<see cref="CreateDatabaseAsync"/>). initdb refuses
/// to run as root, so as root the cluster belongs to the package's <c>postgres</c> user.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    static readonly Lazy<Task<PostgresCluster>> Shared = new(StartAsync);

    readonly string _dir;
    readonly string _bin;

    public int Port { get; }

    PostgresCluster(string dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    /// <summary>The run's cluster, started on first use.</summary>
    public static Task<PostgresCluster> GetAsync() => Shared.Value;

    /// <summary>A connection string to an administrative database (the cluster's superuser is <c>store</c>).</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "store", Database = database, Pooling = false }.ToString();

    /// <summary>A new database, empty or a copy of <paramref name="template"/> (which no one may be connected to); its name is returned.</summary>
    public async Task<string> CreateDatabaseAsync(string? template = null)
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await AdminAsync(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}");
        return name;
    }

    /// <summary>Drops a test's database, ending any connection a stopped service's pool still had.</summary>
    public Task DropDatabaseAsync(string name) => AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBin();
        var dir = Path.Combine(Path.GetTempPath(), "store-tests", "postgres-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", ["postgres", dir]);
        var port = FreePort();
        await RunAsync(asRoot, Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-A", "trust", "-U", "store", "-E", "UTF8", "--locale=C.UTF-8"]);
        // fsync off: a test cluster survives no power cut and needs none; durability is the production server's.
        await RunAsync(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-w", "-l", Path.Combine(dir, "log"),
            "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"]);
        var cluster = new PostgresCluster(dir, bin, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.StopAsync().GetAwaiter().GetResult();
        return cluster;
    }

    async Task StopAsync()
    {
        if (!Directory.Exists(Path.Combine(_dir, "data"))) return;
        try { await RunAsync(Environment.UserName == "root", Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "stop"]); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    static string FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
              ?? throw new InvalidOperationException("PostgreSQL's initdb is missing: run scripts/install-tools --tests (Debian package postgresql)")
            : throw new InvalidOperationException("PostgreSQL is not installed: run scripts/install-tools --tests (Debian package postgresql)");

    static Task RunAsync(bool asPostgres, string program, string[] args) =>
        asPostgres ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    static async Task RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}{await output}");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
