using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using FluentValidation;
using Store.Http;
using Store.Jobs.Shared;

namespace Store.Jobs.Create;

/// <summary>The fields of POST /compute/jobs/{task_type} as sent, before any parsing.</summary>
public sealed record CreateJobForm(string TaskType, string? Priority, string? Params, string? ExternalFiles, IReadOnlyList<UploadedFile> Uploads)
{
    public static CreateJobForm From(string taskType, MultipartForm? form) => new(
        taskType,
        form?.Field("priority"),
        form?.Field("params"),
        form?.Field("external_files"),
        form?.Files.Where(f => f.Field == "upload_files").ToList() ?? []);

    public int PriorityValue => string.IsNullOrWhiteSpace(Priority) ? 5 : int.Parse(Priority.Trim());

    public JsonElement ParamsValue => string.IsNullOrWhiteSpace(Params) ? EmptyObject : JobJson.TryParse(Params)!.Value;

    public IReadOnlyList<ExternalFile> ExternalValue =>
        string.IsNullOrWhiteSpace(ExternalFiles) ? [] : ExternalFile.ListFrom(JobJson.TryParse(ExternalFiles)!.Value);

    public const string ReservedTaskType = "claim";

    static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}

/// <summary>One entry of <c>external_files</c>: a file the job reads in place, with the client's metadata.</summary>
public sealed record ExternalFile(string Path, JsonElement? Metadata)
{
    public static IReadOnlyList<ExternalFile> ListFrom(JsonElement array) =>
        array.EnumerateArray().Select(e => new ExternalFile(
            e.GetProperty("path").GetString()!,
            e.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null ? m.Clone() : null)).ToList();

    /// <summary>An array of objects, each with a non-empty string path and, if any, object metadata.</summary>
    public static bool IsValidList(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e =>
            e.ValueKind == JsonValueKind.Object
            && e.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String && p.GetString()!.Length > 0
            && (!e.TryGetProperty("metadata", out var m) || m.ValueKind is JsonValueKind.Object or JsonValueKind.Null));
}

/// <summary>Job creation answers 400 with the first problem, as the seed does, not the 422 list form.</summary>
public sealed class CreateJobValidator : AbstractValidator<CreateJobForm>
{
    public CreateJobValidator()
    {
        ClassLevelCascadeMode = CascadeMode.Stop;
        RuleFor(f => f.TaskType)
            .ValidTaskType()
            .WithMessage(f => $"Invalid task_type '{f.TaskType}': use 1 to 64 of a-z, 0-9 and _");
        // The claim route only takes JSON, so any other body sent to it lands here; it must not become a job.
        RuleFor(f => f.TaskType)
            .NotEqual(CreateJobForm.ReservedTaskType)
            .WithMessage("'claim' is reserved: POST /compute/jobs/claim claims a job with a JSON body " +
                         "(Content-Type: application/json) and cannot create one");
        RuleFor(f => f.Priority)
            .Must(p => int.TryParse(p!.Trim(), out var v) && v is >= 0 and <= 10)
            .WithMessage("priority must be a whole number from 0 to 10")
            .When(f => !string.IsNullOrWhiteSpace(f.Priority));
        RuleFor(f => f.Params)
            .Must(p => JobJson.TryParse(p!) is { ValueKind: JsonValueKind.Object })
            .WithMessage("params must be a JSON object")
            .When(f => !string.IsNullOrWhiteSpace(f.Params));
        RuleFor(f => f.ExternalFiles)
            .Must(x => JobJson.TryParse(x!) is { } v && ExternalFile.IsValidList(v))
            .WithMessage("external_files must be a JSON array of {\"path\": \"...\", \"metadata\": {...}} objects")
            .When(f => !string.IsNullOrWhiteSpace(f.ExternalFiles));
        RuleFor(f => f)
            .Must(f => f.Uploads.Count > 0 || f.ExternalValue.Count > 0)
            .WithMessage("At least one input file is required (upload_files or external_files)");
    }
}

/// <summary>Documents the multipart body for OpenAPI only (see Http/BodyDocs): any other body must reach the handler and get its 400.</summary>
public sealed class CreateJobRequest
{
    [Description("Files to upload (any number)")]
    public IFormFileCollection? UploadFiles { get; init; }
    [Description("JSON array of {\"path\": \"/absolute/path\", \"metadata\": {...}}: stored files read in place")]
    public string? ExternalFiles { get; init; }
    [Description("0 to 10, default 5; 10 runs first"), Range(0, 10), DefaultValue(5)]
    public int? Priority { get; init; }
    [Description("JSON object: the task's own options")]
    public string? Params { get; init; }
}
