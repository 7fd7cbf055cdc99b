using Store.Compute.Capabilities;
using Store.Compute.Jobs.Claim;
using Store.Compute.Jobs.Complete;
using Store.Compute.Jobs.Create;
using Store.Compute.Jobs.Delete;
using Store.Compute.Jobs.Events;
using Store.Compute.Jobs.Fail;
using Store.Compute.Jobs.Files;
using Store.Compute.Jobs.Get;
using Store.Compute.Jobs.Progress;
using Store.Compute.Root;
using Store.Compute.Workers.Heartbeat;

namespace Store.Compute;

/// <summary>
/// The /compute routes: jobs, workers, capabilities and the compute root, one area for the one prefix the CL compute
/// clients and workers call. The order is the OpenAPI document's.
/// </summary>
public static class ComputeApi
{
    public static void MapComputeApi(this IEndpointRouteBuilder app)
    {
        var compute = app.MapGroup("").WithTags("Compute jobs");
        compute.MapCreateJob();
        compute.MapGetJob();
        compute.MapDeleteJob();
        compute.MapJobEvents();
        compute.MapJobFile();
        compute.MapClaimJob();
        compute.MapReportProgress();
        compute.MapCompleteJob();
        compute.MapFailJob();
        compute.MapWorkerHeartbeat();
        compute.MapCapabilities();
        compute.MapComputeRoot();
    }
}
