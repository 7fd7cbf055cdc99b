using Microsoft.AspNetCore.Http.HttpResults;
using Store.Compute.Queue;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using Store.Integrity.Shared;
using Store.Storage;

namespace Store.Integrity.ClearOrphans;

/// <summary>What clear-orphans removed, in the contract's keys; faces, vectors and MQTT messages are not kept here.</summary>
public sealed record CleanupReport(int FilesDeleted, int FacesDeleted, int VectorsDeleted, int MqttCleared);

public static class ClearOrphansEndpoint
{
    public static void MapClearOrphans(this ApiGroup routes) =>
        routes.MapPost("/clear-orphans", Handle)
            .WithName("ClearOrphans")
            .WithSummary("Remove the stored files and job folders the audit finds no row for")
            .WithDescription("Each one is checked again under the database's write lock just before it is removed.");

    public static async Task<Ok<CleanupReport>> Handle(OrphanScan scan, Db db, PendingFiles pending, CancellationToken ct)
    {
        var findings = await scan.RunAsync(ct);
        var deleted = 0;
        if (findings.Orphans.Count > 0)
        {
            // Uploads place their files under the unit's write lock, so none can land on a path between the check and the removal.
            await using var unit = await db.BeginWriteAsync(ct);
            var (connection, tx) = (unit.Connection, unit.Transaction);
            var inFlight = pending.Paths();
            foreach (var orphan in findings.Orphans)
            {
                var folder = orphan.Folder;
                var journaled = inFlight.Where(folder.Covers).Select(folder.Relative).ToList();
                if (OrphanScan.InFlight(folder, orphan.Relative, journaled)) continue;
                // PostgreSQL has no write lock to keep uploads out: an upload of this content holds its hash from before
                // it places the file (<hash>.<ext>) to its commit, so holding the hash here keeps it from landing meanwhile.
                if (unit.Kind == DbKind.Postgres && folder.Folder == "store")
                    await EntityTable.HoldHashAsync(connection, tx, Path.GetFileNameWithoutExtension(orphan.Relative));
                // A job's keys in a bucket are put while the job is held, on whichever instance, until its row names them.
                if (folder.Folder == "jobs") await JobHolds.HoldInAsync(connection, tx, JobFolders.JobIdOf(orphan.Relative));
                if (await folder.IsNamedAsync(connection, tx, orphan.Relative)) continue;
                if (await RemoveAsync(orphan, ct)) deleted++;
            }
        }
        return TypedResults.Ok(new CleanupReport(deleted, 0, 0, 0));
    }

    static async Task<bool> RemoveAsync(Orphan orphan, CancellationToken ct)
    {
        try { return await orphan.Folder.RemoveAsync(orphan.Relative, ct); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
        // A bucket that fails now: the orphan stays for the next call.
        catch (Exception e) when (orphan.Folder.Bucket is not null && e is not OperationCanceledException) { return false; }
    }
}
