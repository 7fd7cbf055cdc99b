namespace Store.Storage;

/// <summary>
/// Decides, once a delete has committed, whether a stored file's objects may still go. Several instances share one
/// bucket (PostgreSQL), and the same content uploaded again the same UTC day goes to the same key: an upload on another
/// instance may have put that key and committed its own row between this delete's commit and its object delete. The
/// guard looks at the rows again while no upload of that content can be between its duplicate check and its commit.
/// </summary>
public interface IRemovalGuard
{
    /// <summary>Runs <paramref name="remove"/> unless a row names <paramref name="relativeFile"/> again; answers whether it ran.</summary>
    Task<bool> RemoveUnlessNamedAsync(string relativeFile, Func<CancellationToken, Task> remove, CancellationToken ct);
}
