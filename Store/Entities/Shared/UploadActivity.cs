namespace Store.Entities.Shared;

/// <summary>
/// Whether uploads are being inspected now or were lately, and a signal when a file was stored: the
/// preview backfill works only while uploads are quiet, so that it never slows them down.
/// </summary>
public sealed class UploadActivity(TimeProvider clock)
{
    readonly TimeProvider _clock = clock;
    int _running;
    long _lastEndTicks;
    readonly SemaphoreSlim _stored = new(0, 1);

    public IDisposable Begin()
    {
        Interlocked.Increment(ref _running);
        return new End(this);
    }

    /// <summary>No upload is being inspected, and none finished within <paramref name="quiet"/>.</summary>
    public bool IsQuiet(TimeSpan quiet) =>
        Volatile.Read(ref _running) == 0 && _clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastEndTicks) >= quiet.Ticks;

    public void FileStored()
    {
        if (_stored.CurrentCount == 0)
        {
            try { _stored.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Waits until a file is stored or <paramref name="timeout"/> passes.</summary>
    public Task WaitForStoredAsync(TimeSpan timeout, CancellationToken ct) => _stored.WaitAsync(timeout, ct);

    sealed class End(UploadActivity owner) : IDisposable
    {
        int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            Interlocked.Exchange(ref owner._lastEndTicks, owner._clock.GetUtcNow().UtcTicks);
            Interlocked.Decrement(ref owner._running);
        }
    }
}
