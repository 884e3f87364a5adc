// The functions' side of the rules shared with the mini-program (typings/api.d.ts ContractLimits): the type pins
// each value, so the page (miniprogram/domain/limits.ts) and the server cannot disagree and still compile.
import type { ContractLimits } from '../../typings/api';

export const LIMITS: ContractLimits = { reasonMaxLength: 80, trackingNoMinLength: 5, trackingNoMaxLength: 40, billNoteMaxLength: 200 };
