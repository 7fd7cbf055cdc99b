using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Compute.Queue;
using Store.Contracts;

namespace Store.Compute.Jobs.Progress;

public sealed record ProgressRequest(string? WorkerId, int? Progress);

public sealed class ProgressValidator : AbstractValidator<ProgressRequest>
{
    public ProgressValidator()
    {
        RuleFor(r => r.WorkerId).ValidWorkerId();
        RuleFor(r => r.Progress).NotNull().WithMessage("Field required").WithErrorCode("missing")
            .InclusiveBetween(0, 100).WithMessage("Input should be from 0 to 100").WithErrorCode("less_than_equal");
    }
}

public static class ReportProgressEndpoint
{
    static readonly ProgressValidator Validator = new();

    public static void MapReportProgress(this ApiGroup routes) =>
        routes.MapPut("/jobs/{job_id}/progress", Handle)
            .WithName("ReportJobProgress")
            .WithSummary("Report a held job's progress (0-100); renews the worker's leases")
            .WithDescription("Only the worker holding the job may report (409 otherwise, also after its lease lapsed).");

    public static async Task<Results<Ok<Job>, NotFound<ErrorBody>, Conflict<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        string job_id, ProgressRequest request, JobQueue queue, CancellationToken ct)
    {
        var validation = Validator.Validate(request);
        if (!validation.IsValid) return Errors.Validation(validation, "body");
        return (await queue.ProgressAsync(job_id, request.WorkerId!, request.Progress!.Value, ct)).ToResult(request.WorkerId!);
    }
}
