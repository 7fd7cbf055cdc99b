using Store.Auth;
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
using Store.Http;

namespace Store.Compute;

/// <summary>
/// The /compute routes: jobs, workers, capabilities and the compute root, one area for the one prefix the CL compute
/// clients and workers call. Jobs and workers need ai_inference_support; what a client reads to find the compute
/// service is public. The order is the OpenAPI document's.
/// </summary>
public static class ComputeApi
{
    public static void MapComputeApi(this IEndpointRouteBuilder app)
    {
        var compute = ApiArea.Map(app, "/compute", "Compute jobs");
        var inference = compute.Group(Access.Inference);
        var open = compute.Group(Access.Public);
        inference.MapCreateJob();
        inference.MapGetJob();
        inference.MapDeleteJob();
        inference.MapJobEvents();
        inference.MapJobFile();
        inference.MapClaimJob();
        inference.MapReportProgress();
        inference.MapCompleteJob();
        inference.MapFailJob();
        inference.MapWorkerHeartbeat();
        open.MapCapabilities();
        open.MapComputeRoot();
    }
}
