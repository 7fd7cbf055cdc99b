using FluentValidation;

namespace Store.Entities.Get;

/// <summary>The query of GET /entities/{id}: an optional version number (ASP.NET already refused non-numbers).</summary>
public sealed record GetEntityQuery(int? Version);

public sealed class GetEntityValidator : AbstractValidator<GetEntityQuery>
{
    public GetEntityValidator()
    {
        RuleFor(q => q.Version).GreaterThanOrEqualTo(1)
            .WithMessage("Input should be greater than or equal to 1").WithErrorCode("greater_than_equal");
    }
}
