using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Compute.Queue;
using Store.Contracts;

namespace Store.Compute.Jobs.Fail;

public sealed record FailRequest(string? WorkerId, string? ErrorMessage);

public sealed class FailValidator : AbstractValidator<FailRequest>
{
    public FailValidator()
    {
        RuleFor(r => r.WorkerId).ValidWorkerId();
        RuleFor(r => r.ErrorMessage).MaximumLength(10_000).WithMessage("error_message is at most 10000 characters")
            .WithErrorCode("string_too_long");
    }
}

public static class FailJobEndpoint
{
    static readonly FailValidator Validator = new();

    public static void MapFailJob(this ApiGroup routes) =>
        routes.MapPost("/jobs/{job_id}/fail", Handle)
            .WithName("FailJob")
            .WithSummary("Report that a held job failed; it is not retried")
            .WithDescription("Only the worker holding the job may report (409 otherwise).");

    public static async Task<Results<Ok<Job>, NotFound<ErrorBody>, Conflict<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        string job_id, FailRequest request, JobQueue queue, CancellationToken ct)
    {
        var validation = Validator.Validate(request);
        if (!validation.IsValid) return Errors.Validation(validation, "body");
        return (await queue.FailAsync(job_id, request.WorkerId!, request.ErrorMessage, ct)).ToResult(request.WorkerId!);
    }
}
