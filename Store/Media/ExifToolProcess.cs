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

    public static ExifToolProcess Start(string exifToolPath)
    {
        var start = new ProcessStartInfo(exifToolPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in new[] { "-stay_open", "True", "-@", "-" }) start.ArgumentList.Add(arg);
        try
        {
            var process = Process.Start(start) ?? throw new MediaToolException("ExifTool could not be started");
            return new ExifToolProcess(process);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException($"ExifTool could not be started ({exifToolPath}): {e.Message}", e);
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
            if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
            if (limit.IsCancellationRequested) throw new MediaToolException($"ExifTool did not answer within {timeout.TotalSeconds:0.#} s");
            throw new MediaToolException("ExifTool stopped unexpectedly", e);
        }
        if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
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
