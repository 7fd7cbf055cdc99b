namespace Store.Entities.Shared;

/// <summary>
/// This process's hold on a content hash, for an upload that puts its object into a bucket before its write unit
/// begins (SQLite with MEDIA_STORE=s3, see <see cref="EntityFiles.PutsBeforeUnit"/>). The put goes to the content's
/// final key, so two uploads of the same content must not overlap between their duplicate check and their commit:
/// the second waits here, then finds the first one's row and puts nothing. Uploads of other content pass at once.
/// One process is enough: a SQLite store is one process.
/// </summary>
public sealed class ContentHolds
{
    readonly Dictionary<string, Entry> _held = new(StringComparer.Ordinal);

    public async Task<IDisposable> HoldAsync(string hash, CancellationToken ct)
    {
        Entry entry;
        lock (_held)
        {
            if (!_held.TryGetValue(hash, out entry!)) _held[hash] = entry = new Entry();
            entry.Users++;
        }
        try { await entry.Gate.WaitAsync(ct); }
        catch
        {
            Leave(hash, entry);
            throw;
        }
        return new Held(this, hash, entry);
    }

    void Leave(string hash, Entry entry)
    {
        lock (_held)
        {
            if (--entry.Users > 0) return;
            _held.Remove(hash);
            entry.Dispose();
        }
    }

    sealed class Entry : IDisposable
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int Users;

        public void Dispose() => Gate.Dispose();
    }

    sealed class Held(ContentHolds owner, string hash, Entry entry) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            // Released before leaving: the last user's leave disposes the gate.
            entry.Gate.Release();
            owner.Leave(hash, entry);
        }
    }
}
