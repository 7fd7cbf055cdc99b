using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Integrity.Shared;

namespace Store.Integrity.Audit;

/// <summary>
/// The contract's audit report (section 8). This store keeps no faces, vectors or retained MQTT messages per entity,
/// so those lists are always empty; <c>missing_files</c>, beside them, lists rows whose file is gone.
/// </summary>
public sealed record AuditReport(
    IReadOnlyList<OrphanedFile> OrphanedFiles,
    IReadOnlyList<object> OrphanedFaces,
    IReadOnlyList<object> OrphanedVectors,
    IReadOnlyList<object> OrphanedMqtt,
    IReadOnlyList<MissingFile> MissingFiles);

public static class AuditEndpoint
{
    public static void MapAudit(this ApiGroup routes) =>
        routes.MapGet("/audit", Handle)
            .WithName("Audit")
            .WithSummary("List stored files and job folders no row names, and rows whose file is missing")
            .WithDescription("A full scan of the media store and the jobs folder. Files of a write still in progress are not orphans.");

    public static async Task<Ok<AuditReport>> Handle(OrphanScan scan, CancellationToken ct)
    {
        var findings = await scan.RunAsync(ct);
        return TypedResults.Ok(new AuditReport(
            findings.Orphans.Select(o => new OrphanedFile(o.Relative, o.FullPath)).ToList(),
            [], [], [],
            findings.Missing));
    }
}
