using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Store.Tests.Infrastructure;

/// <summary>
/// The built <c>store.dll</c> run with <c>dotnet</c> as a real process, for what only the command line
/// shows: flags, environment, exit codes, what is created on disk. The environment is cleared of every
/// store variable so that only what a test passes counts.
/// </summary>
public sealed partial class StoreProcess : IAsyncDisposable
{
    /// <summary>
    /// A child inherits an ignored SIGINT, and .NET then installs no handler for it: a test run started in the background
    /// of a shell without job control (or under nohup-like wrappers) ignores SIGINT, so the import's Ctrl-C test would
    /// see its interrupt ignored. The test process puts SIGINT back to its default before it starts any child.
    /// </summary>
    static StoreProcess()
    {
        if (OperatingSystem.IsLinux() && SigintIgnored()) _ = Signal(2, 0);
    }

    static bool SigintIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0b10) != 0;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    static readonly string[] StoreVariables =
    [
        "CL_SERVER_DIR", "DATABASE_URL", "MEDIA_STORAGE_DIR", "PUBLIC_KEY_PATH", "AUTH_DISABLED", "READ_AUTH_ENABLED",
        "HOST", "PORT", "MAX_UPLOAD_BYTES", "MIN_FREE_BYTES", "WORKER_TTL_SECONDS", "JOB_LEASE_SECONDS", "JOB_MAX_RETRIES",
        "JOB_RETENTION_DAYS", "JOB_EXTERNAL_ROOTS", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_URLS",
        "LOG_LEVEL", "LOG_FORMAT", "METRICS_ENABLED", "MQTT_BROKER", "STORE_TOKEN",
        "MEDIA_STORE", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION",
    ];

    /// <summary>
    /// The service ships with tiered compilation off (Store.csproj: uploads run fully optimised code from their first
    /// call), which makes each start compile every method it meets at full optimisation: about 0.3 s more CPU for a
    /// process that lives a few seconds, and the suite starts dozens. Tiering (without the profiling tier, which only
    /// pays off in long runs) changes when methods are optimised, never what they do. A test may set these itself.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ShortRunJit = new Dictionary<string, string>
    {
        ["DOTNET_TieredCompilation"] = "1",
        ["DOTNET_TieredPGO"] = "0",
    };

    readonly Process _process;
    readonly StringBuilder _stdout = new(), _stderr = new();

    StoreProcess(Process process) => _process = process;

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    public static string StoreDll
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "store.dll");
            if (File.Exists(beside)) return beside;
            var config = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
            var built = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Store", "bin", config, "net10.0", "store.dll"));
            return File.Exists(built) ? built : throw new FileNotFoundException("store.dll is neither beside the tests nor in Store/bin", built);
        }
    }

    public static StoreProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(StoreDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var name in StoreVariables) info.Environment.Remove(name);
        foreach (var (name, value) in ShortRunJit) info.Environment[name] = value;
        foreach (var (name, value) in env) info.Environment[name] = value;

        var process = new Process { StartInfo = info };
        var store = new StoreProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (store._stdout) store._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (store._stderr) store._stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return store;
    }

    /// <summary>Runs a command that is expected to end on its own; returns its exit code.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        await using var process = Start(args, env);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        await process._process.WaitForExitAsync(limit.Token);
        process._process.WaitForExit(); // flushes the redirected output
        return (process._process.ExitCode, process.StandardOutput, process.StandardError);
    }

    /// <summary>Waits until <c>GET /</c> answers at <paramref name="address"/>; fails with the output if the process ends first.</summary>
    public async Task WaitUntilHealthyAsync(Uri address)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) Assert.Fail($"store exited with {_process.ExitCode}: {StandardError}{StandardOutput}");
            try
            {
                if ((await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested) { }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"store did not answer at {address}: {StandardError}{StandardOutput}");
    }

    /// <summary>Sends a signal (SIGTERM as a service manager stops a service, SIGINT as Ctrl-C does) and waits for the exit code.</summary>
    public async Task<int> SignalAndWaitAsync(string signal = "TERM", int seconds = 60)
    {
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(limit.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until the standard output holds <paramref name="text"/>; fails with the output when it does not come.</summary>
    public async Task WaitForOutputAsync(string text, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!StandardOutput.Contains(text))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited) Assert.Fail($"'{text}' did not appear: {StandardOutput}{StandardError}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
