using FluentValidation;
using Store.Entities.Shared;

namespace Store.Entities.Replace;

/// <summary>Documents the form body (multipart, or urlencoded without a file) for OpenAPI; the handler reads the body itself.</summary>
public sealed class ReplaceEntityRequest
{
    /// <summary>Must equal the stored value: it never changes.</summary>
    public required bool IsCollection { get; init; }
    public required string Label { get; init; }
    /// <summary>Absent means null.</summary>
    public string? Description { get; init; }
    /// <summary>Absent means null (top level).</summary>
    public long? ParentId { get; init; }
    /// <summary>The file, as today's CL SDKs name it; wins over <c>image</c> when both are sent.</summary>
    public IFormFile? MediaFile { get; init; }
    /// <summary>A new file for a media item; refused for a collection.</summary>
    public IFormFile? Image { get; init; }
}

public sealed class ReplaceEntityValidator : EntityFormValidator
{
    public ReplaceEntityValidator()
    {
        IsCollectionIsABoolean();
        RuleFor(f => f.Label).NotNull().WithMessage("Field required").WithErrorCode("missing");
        ParentIdIsAnInteger();
        CollectionHasNoFile();
        RuleFor(f => f.Image)
            .Must(i => i is null || i.Size > 0).WithMessage("The uploaded file is empty").WithErrorCode("value_error");
    }
}
