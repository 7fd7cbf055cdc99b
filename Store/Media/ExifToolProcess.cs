using System.Diagnostics;
using System.Text;

namespace Store.Media;

/// <summary>
/// One ExifTool in <c>-stay_open</c> mode: arguments go in on stdin, one per line, ended by
/// <c>-execute{n}</c>; the answer is everything on stdout up to <c>{ready{n}}</c>. Starting Perl
/// and loading ExifTool costs far more than reading one file, so this process is kept and reused.
/// </summary>
sealed class ExifToolProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder errors = new();
    int sequence;

    ExifToolProcess(Process process)
    {
        this.process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors) errors.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;
    public bool HasExited => process.HasExited;

    /// <summary>
    /// Runs before ExifTool, in the same process: forks a watchdog, then becomes ExifTool by exec,
    /// so the pid the pool holds (and kills on a hang) is ExifTool's own. In <c>-stay_open</c> mode
    /// ExifTool does not leave when its stdin closes, so without the watchdog a service killed with
    /// SIGKILL would leave it running forever. The watchdog lets go of the pipes (or the service
    /// would never see EOF from a killed ExifTool), checks every second, and kills ExifTool once
    /// its parent is no longer the service: read from /proc, where a dead parent shows at once as
    /// a new one; elsewhere by whether the service pid still lives. It leaves when ExifTool does,
    /// which its own parent changing tells. (PR_SET_PDEATHSIG would fire when the forking thread
    /// ends, and .NET retires thread-pool threads.)
    /// </summary>
    const string Watchdog = """
        my $service = shift @ARGV;
        my $exiftool = $$;
        defined(my $watchdog = fork) or die "exiftool watchdog: fork: $!\n";
        if ($watchdog == 0) {
            open STDIN, '<', '/dev/null'; open STDOUT, '>', '/dev/null'; open STDERR, '>', '/dev/null';
            $0 = "exiftool watchdog for $service";
            sub service_alive {
                if (open my $stat, '<', "/proc/$exiftool/stat") {
                    my $line = <$stat>;
                    return (split ' ', substr($line, rindex($line, ')') + 2))[1] == $service;
                }
                return kill 0, $service;
            }
            while (getppid() == $exiftool) {
                unless (service_alive()) { kill 'KILL', $exiftool; exit 0; }
                sleep 1;
            }
            exit 0;
        }
        exec { $ARGV[0] } @ARGV or die "exiftool watchdog: cannot run $ARGV[0]: $!\n";
        """;

    public static ExifToolProcess Start(string exifToolPath)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? exifToolPath : "perl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (!OperatingSystem.IsWindows())
            foreach (var arg in new[] { "-e", Watchdog, "--", Environment.ProcessId.ToString(), exifToolPath }) start.ArgumentList.Add(arg);
        foreach (var arg in new[] { "-stay_open", "True", "-@", "-" }) start.ArgumentList.Add(arg);
        try
        {
            var process = Process.Start(start) ?? throw new MediaToolException("ExifTool could not be started");
            return new ExifToolProcess(process);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException($"ExifTool could not be started ({start.FileName} {exifToolPath}): {e.Message}", e);
        }
    }

    /// <summary>Runs one command; returns stdout and stderr. On timeout or cancellation the process is killed and must be replaced.</summary>
    public async Task<(string Output, string Errors)> ExecuteAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var n = ++sequence;
        lock (errors) errors.Clear();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        // Killing closes stdout, which ends a read that would otherwise wait forever on a hung ExifTool.
        await using var kill = limit.Token.Register(Kill);
        try
        {
            var input = process.StandardInput;
            foreach (var arg in args) await input.WriteLineAsync(arg);
            await input.WriteLineAsync($"-execute{n}");
            await input.FlushAsync(limit.Token);

            var ready = $"{{ready{n}}}";
            var output = new StringBuilder();
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                if (line == ready)
                {
                    string stderr;
                    lock (errors) stderr = errors.ToString();
                    return (output.ToString(), stderr);
                }
                output.AppendLine(line);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            ct.ThrowIfCancellationRequested();
            if (limit.IsCancellationRequested) throw new MediaToolException($"ExifTool did not answer within {timeout.TotalSeconds:0.#} s");
            throw new MediaToolException("ExifTool stopped unexpectedly", e);
        }
        ct.ThrowIfCancellationRequested();
        if (limit.IsCancellationRequested) throw new MediaToolException($"ExifTool did not answer within {timeout.TotalSeconds:0.#} s");
        throw new MediaToolException("ExifTool stopped unexpectedly");
    }

    void Kill()
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    /// <summary>Asks ExifTool to leave, and kills it if it does not within a second.</summary>
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.WriteLine("-stay_open");
                process.StandardInput.WriteLine("False");
                process.StandardInput.Flush();
                if (!process.WaitForExit(1000)) Kill();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            Kill();
        }
        process.Dispose();
    }
}
