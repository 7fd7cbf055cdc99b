using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Compute.Queue;

namespace Store.Compute.Workers.Heartbeat;

public sealed record HeartbeatRequest(IReadOnlyList<string>? Capabilities, int? IdleCount);

public sealed record HeartbeatResponse(string WorkerId, IReadOnlyList<string> Capabilities, int IdleCount, long ExpiresAt);

public sealed class HeartbeatValidator : AbstractValidator<HeartbeatRequest>
{
    public HeartbeatValidator()
    {
        RuleForEach(r => r.Capabilities).ValidTaskType().WithMessage("Capabilities use 1 to 64 of a-z, 0-9 and _");
        RuleFor(r => r.IdleCount).GreaterThanOrEqualTo(0).WithMessage("Input should be greater than or equal to 0")
            .WithErrorCode("greater_than_equal");
    }
}

/// <summary>The path's worker_id, checked on its own so its errors say they come from the path.</summary>
public sealed record HeartbeatPath(string WorkerId);

public sealed class HeartbeatPathValidator : AbstractValidator<HeartbeatPath>
{
    public HeartbeatPathValidator() => RuleFor(p => p.WorkerId).ValidWorkerId();
}

public static class HeartbeatEndpoint
{
    static readonly HeartbeatPathValidator PathValidator = new();
    static readonly HeartbeatValidator Validator = new();

    public static void MapWorkerHeartbeat(this ApiGroup routes) =>
        routes.MapPost("/workers/{worker_id}/heartbeat", Handle)
            .WithName("WorkerHeartbeat")
            .WithSummary("Say a worker is alive, what it can run and how many jobs it could take now")
            .WithDescription("A worker counts in /compute/capabilities until expires_at (WORKER_TTL_SECONDS after this call). " +
                             "Also renews the lease of every job it holds.");

    public static async Task<Results<Ok<HeartbeatResponse>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        string worker_id, HeartbeatRequest request, JobQueue queue, CancellationToken ct)
    {
        var path = PathValidator.Validate(new HeartbeatPath(worker_id));
        if (!path.IsValid) return Errors.Validation(path, "path");
        var validation = Validator.Validate(request);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        var capabilities = (request.Capabilities ?? []).Distinct().ToList();
        var idle = request.IdleCount ?? 0;
        var expiresAt = await queue.HeartbeatAsync(worker_id, capabilities, idle, ct);
        return TypedResults.Ok(new HeartbeatResponse(worker_id, capabilities, idle, expiresAt));
    }
}
