namespace Store.Media;

/// <summary>
/// A few long-lived ExifTool processes shared by all uploads, started on first use (a host that
/// never sees an upload starts none). A process that timed out, crashed or was cancelled mid-answer
/// is killed and a fresh one takes its place on the next request. Disposed with the app.
/// </summary>
public sealed class ExifToolPool(MediaToolOptions options) : IDisposable
{
    readonly SemaphoreSlim slots = new(options.ExifToolProcesses, options.ExifToolProcesses);
    readonly Stack<ExifToolProcess> idle = new();
    readonly HashSet<ExifToolProcess> all = [];
    readonly Lock gate = new();
    bool disposed;

    /// <summary>Process ids of the running ExifTools (for tests that simulate a hang or a crash).</summary>
    internal IReadOnlyList<int> ProcessIds
    {
        get { lock (gate) return all.Where(p => !p.HasExited).Select(p => p.Id).ToList(); }
    }

    /// <summary>Runs one ExifTool command (arguments as on its command line) and returns stdout and stderr.</summary>
    public async Task<(string Output, string Errors)> ExecuteAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        await slots.WaitAsync(ct);
        ExifToolProcess? process = null;
        try
        {
            process = Take();
            var result = await process.ExecuteAsync(args, options.ExifToolTimeout, ct);
            Return(process);
            return result;
        }
        catch
        {
            if (process is not null) Retire(process);
            throw;
        }
        finally
        {
            slots.Release();
        }
    }

    ExifToolProcess Take()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            while (idle.TryPop(out var ready))
            {
                if (!ready.HasExited) return ready;
                // Died while idle (crash, OOM killer): replace it without failing anyone.
                all.Remove(ready);
                ready.Dispose();
            }
            var started = ExifToolProcess.Start(options.ExifToolPath);
            all.Add(started);
            return started;
        }
    }

    void Return(ExifToolProcess process)
    {
        lock (gate)
        {
            if (!disposed)
            {
                idle.Push(process);
                return;
            }
            all.Remove(process);
        }
        process.Dispose();
    }

    void Retire(ExifToolProcess process)
    {
        lock (gate) all.Remove(process);
        process.Dispose();
    }

    public void Dispose()
    {
        List<ExifToolProcess> running;
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            running = [.. all];
            all.Clear();
            idle.Clear();
        }
        Parallel.ForEach(running, p => p.Dispose());
    }
}
