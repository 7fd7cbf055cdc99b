using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Store.Tests.Events;

/// <summary>
/// A real Mosquitto broker (Debian's <c>mosquitto</c>, installed by scripts/install-tools) on 127.0.0.1 with a
/// config of its own: anonymous, no persistence, so a restart forgets every retained message. Can be stopped and
/// started again on the same port, as a broker that goes away and comes back.
/// </summary>
public sealed class Mosquitto : IAsyncDisposable
{
    readonly string _dir;
    readonly StringBuilder _log = new();
    Process? _process;

    public int Port { get; }

    Mosquitto(int port)
    {
        Port = port;
        _dir = Path.Combine(Path.GetTempPath(), "store-tests", "mosquitto-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        File.WriteAllText(ConfigPath, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest stderr
            log_type error
            log_type warning

            """);
    }

    string ConfigPath => Path.Combine(_dir, "mosquitto.conf");

    public static async Task<Mosquitto> StartAsync()
    {
        var broker = new Mosquitto(FreePort());
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>A broker that is not running yet, on a port where nothing listens: the store cannot reach it.</summary>
    public static Mosquitto NotStarted() => new(FreePort());

    /// <summary>Starts the broker (again) on the same port; returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("mosquitto is running already");
        var start = new ProcessStartInfo(Executable(), ["-c", ConfigPath]) { RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start");
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}: {Log}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the broker, as a crash or a power cut would; whatever it held is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    static string Executable() =>
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "mosquitto")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto is not installed: run scripts/install-tools (Debian package mosquitto)");

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
