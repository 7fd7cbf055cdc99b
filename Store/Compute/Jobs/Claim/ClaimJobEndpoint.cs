using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Compute.Queue;
using Store.Contracts;

namespace Store.Compute.Jobs.Claim;

public sealed record ClaimRequest(string? WorkerId, IReadOnlyList<string>? TaskTypes, int? WaitSeconds);

public sealed class ClaimValidator : AbstractValidator<ClaimRequest>
{
    public ClaimValidator()
    {
        RuleFor(r => r.WorkerId).ValidWorkerId();
        RuleFor(r => r.TaskTypes).NotEmpty().WithMessage("List should have at least 1 item").WithErrorCode("too_short");
        RuleForEach(r => r.TaskTypes).ValidTaskType();
        RuleFor(r => r.WaitSeconds).InclusiveBetween(0, 30).WithMessage("Input should be from 0 to 30").WithErrorCode("less_than_equal");
    }
}

public static class ClaimJobEndpoint
{
    static readonly ClaimValidator Validator = new();

    public static void MapClaimJob(this ApiGroup routes) =>
        routes.MapPost("/jobs/claim", Handle)
            .WithName("ClaimJob")
            .WithSummary("Take the next pending job of some task types")
            .WithDescription("Highest priority first, then oldest; two workers never get the same job. With wait_seconds " +
                             "(0-30) the call waits for a job to arrive and answers as soon as one does; 204 when none came.");

    public static async Task<Results<Ok<Job>, NoContent, UnprocessableEntity<ValidationErrorBody>>> Handle(
        ClaimRequest request, HttpContext context, JobQueue queue, IHostApplicationLifetime lifetime)
    {
        var validation = Validator.Validate(request);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var job = await queue.ClaimAsync(request.WorkerId!, request.TaskTypes!, TimeSpan.FromSeconds(request.WaitSeconds ?? 0), stop.Token);
        return job is null ? TypedResults.NoContent() : TypedResults.Ok(job);
    }
}
