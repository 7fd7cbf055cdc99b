using Dapper;
using Store.Data;
using Store.Storage;

namespace Store.Entities.Shared;

/// <summary>
/// PostgreSQL with a bucket: after a delete's commit, each stored file's objects go only once no row names that file
/// again, judged while holding its content hash (<see cref="EntityTable.HoldHashAsync"/>). An upload holds the same
/// hash from before its duplicate check, through its put, to its commit, so either it committed first (its row names
/// the key: the objects are its own now and stay) or it begins after the delete (it finds no row and puts them anew).
/// A transaction lock taken by the delete's own unit would not do: the objects are deleted after that unit's commit,
/// which releases it, and that gap is where an upload on another instance put its object and lost it.
/// </summary>
public sealed class StoredFileRecheck(Db db) : IRemovalGuard
{
    public async Task<bool> RemoveUnlessNamedAsync(string relativeFile, Func<CancellationToken, Task> remove, CancellationToken ct)
    {
        // The stored name is <hash>.<ext>: the hash the upload holds, and the unique column that finds its row.
        var hash = Path.GetFileNameWithoutExtension(relativeFile);
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await EntityTable.HoldHashAsync(connection, tx, hash);
        if (await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM entities WHERE md5 = @hash AND file_path = @relativeFile)", new { hash, relativeFile }, tx))
            return false;
        await remove(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
