using System.Collections.Concurrent;

namespace Store.Storage;

/// <summary>
/// Keys whose objects are being deleted after a commit. In a folder a delete first moves the file aside under the
/// database's write lock, so the same content uploaded again right after lands on a free path; an object cannot be
/// moved, so instead a put of that key (made under the write lock) waits here until the delete is done. This process's
/// alone: on PostgreSQL, where other instances put into the same bucket, the delete re-checks the rows under the
/// content's hash instead (<see cref="IRemovalGuard"/>).
/// </summary>
public sealed class KeyGate
{
    readonly ConcurrentDictionary<string, TaskCompletionSource> _closed = new(StringComparer.Ordinal);

    public void Close(IEnumerable<string> keys)
    {
        foreach (var key in keys) _closed.TryAdd(key, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    public void Open(IEnumerable<string> keys)
    {
        foreach (var key in keys)
            if (_closed.TryRemove(key, out var gate)) gate.TrySetResult();
    }

    public async Task WaitAsync(string key, CancellationToken ct)
    {
        while (_closed.TryGetValue(key, out var gate)) await gate.Task.WaitAsync(ct);
    }
}
