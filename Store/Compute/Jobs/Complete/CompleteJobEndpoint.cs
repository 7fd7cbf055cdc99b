using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Store.Http;
using Store.Compute.Queue;
using Store.Contracts;

namespace Store.Compute.Jobs.Complete;

/// <summary>The multipart fields of a completion as sent.</summary>
public sealed record CompleteForm(string? WorkerId, string? TaskOutput)
{
    public JsonElement? TaskOutputValue =>
        string.IsNullOrWhiteSpace(TaskOutput) || JobJson.TryParse(TaskOutput) is not { ValueKind: JsonValueKind.Object } value ? null : value;
}

public sealed class CompleteValidator : AbstractValidator<CompleteForm>
{
    public CompleteValidator()
    {
        RuleFor(f => f.WorkerId).ValidWorkerId();
        RuleFor(f => f.TaskOutput)
            .Must(t => JobJson.TryParse(t!) is { ValueKind: JsonValueKind.Object or JsonValueKind.Null })
            .WithMessage("task_output must be a JSON object or null").WithErrorCode("json_invalid")
            .When(f => !string.IsNullOrWhiteSpace(f.TaskOutput));
    }
}

/// <summary>Documents the multipart body for OpenAPI; the handler reads the body itself.</summary>
public sealed record CompleteJobRequest(string WorkerId, string? TaskOutput, IFormFileCollection? OutputFiles);

public static class CompleteJobEndpoint
{
    static readonly CompleteValidator Validator = new();

    public static void MapCompleteJob(this ApiGroup routes) =>
        routes.MapPost("/jobs/{job_id}/complete", Handle)
            .DocumentsBody<CompleteJobRequest>("multipart/form-data")
            .WithName("CompleteJob")
            .WithSummary("Complete a held job with its task_output and output files")
            .WithDescription("Files come in the multipart field output_files (any number) and land in jobs/<job_id>/output/. " +
                             "Only the worker holding the job may report (409 otherwise).");

    public static async Task<Results<Ok<Job>, NotFound<ErrorBody>, Conflict<ErrorBody>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        string job_id, HttpContext context, JobQueue queue, JobFolders folders, CancellationToken ct)
    {
        await using var form = await MultipartForm.ReadAsync(context.Request, folders.TempDir, ct);
        var input = new CompleteForm(form.Field("worker_id"), form.Field("task_output"));
        var validation = Validator.Validate(input);
        if (!validation.IsValid) return Errors.Validation(validation, "body");

        var uploads = form.Files.Where(f => f.Field == "output_files").Select(f => new OutputUpload(f.FileName, f.TempPath)).ToList();
        var outcome = await queue.CompleteAsync(job_id, input.WorkerId!, input.TaskOutputValue, uploads, ct);
        return outcome.ToResult(input.WorkerId!);
    }
}
