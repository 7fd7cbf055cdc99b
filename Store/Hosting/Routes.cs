using Store.Admin.Config;
using Store.Admin.Pref;
using Store.Entities.Create;
using Store.Entities.Delete;
using Store.Entities.DeleteAll;
using Store.Entities.FileDelivery;
using Store.Entities.Get;
using Store.Entities.List;
using Store.Entities.Lookup;
using Store.Entities.Patch;
using Store.Entities.Preview;
using Store.Entities.Replace;
using Store.Entities.Versions;
using Store.Admin.JobsCleanup;
using Store.Admin.JobsStorage;
using Store.Compute.Capabilities;
using Store.Compute.Root;
using Store.Health;
using Store.Health.Live;
using Store.Health.Ready;
using Store.Integrity.Audit;
using Store.Integrity.ClearOrphans;
using Store.Jobs.Claim;
using Store.Jobs.Complete;
using Store.Jobs.Create;
using Store.Jobs.Delete;
using Store.Jobs.Events;
using Store.Jobs.Fail;
using Store.Jobs.Files;
using Store.Jobs.Get;
using Store.Jobs.Progress;
using Store.Workers.Heartbeat;

namespace Store.Hosting;

/// <summary>The route table: one line per slice.</summary>
public static class Routes
{
    public static void MapStore(this IEndpointRouteBuilder app)
    {
        app.MapHealth();
        app.MapLive();
        app.MapReady();

        var entities = app.MapGroup("").WithTags("Entities");
        entities.MapListEntities();
        entities.MapGetEntity();
        entities.MapLookupEntity();
        entities.MapEntityFile();
        entities.MapEntityPreview();
        entities.MapCreateEntity();
        entities.MapReplaceEntity();
        entities.MapPatchEntity();
        entities.MapDeleteEntity();
        entities.MapDeleteAllEntities();
        entities.MapListVersions();

        var jobs = app.MapGroup("").WithTags("Compute jobs");
        jobs.MapCreateJob();
        jobs.MapGetJob();
        jobs.MapDeleteJob();
        jobs.MapJobEvents();
        jobs.MapJobFile();
        jobs.MapClaimJob();
        jobs.MapReportProgress();
        jobs.MapCompleteJob();
        jobs.MapFailJob();
        jobs.MapWorkerHeartbeat();
        jobs.MapCapabilities();
        jobs.MapComputeRoot();

        var admin = app.MapGroup("").WithTags("Admin");
        admin.MapAdminConfig();
        admin.MapAdminPref();
        admin.MapJobsStorage();
        admin.MapJobsCleanup();

        var system = app.MapGroup("").WithTags("System");
        system.MapAudit();
        system.MapClearOrphans();
    }
}
