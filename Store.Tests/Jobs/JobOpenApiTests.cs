using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

public sealed class JobOpenApiTests
{
    [Fact]
    public async Task Every_job_and_worker_route_is_in_the_OpenAPI_document()
    {
        await using var host = await StoreHost.StartAsync();
        var response = await host.Client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadJsonAsync()).GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/compute/jobs/{task_type}", "/compute/jobs/{job_id}", "/compute/jobs/{job_id}/events",
                     "/compute/jobs/{job_id}/files/{path}", "/compute/jobs/claim", "/compute/jobs/{job_id}/progress",
                     "/compute/jobs/{job_id}/complete", "/compute/jobs/{job_id}/fail", "/compute/workers/{worker_id}/heartbeat",
                     "/compute/capabilities", "/admin/compute/jobs/storage/size", "/admin/compute/jobs/cleanup",
                 })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }
}
