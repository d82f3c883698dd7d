import { ApiError, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@parlo/protocol';
import { COMMON_PASSWORDS_TEXT } from './common-passwords.ts';

const COMMON = new Set(COMMON_PASSWORDS_TEXT.split('\n').filter((line) => line !== ''));

/** Digits and symbols people put around a word to pass a length rule ("Password2024!"). */
const PADDING = /^[^a-z]+|[^a-z]+$/g;

/**
 * Why a new password is refused, or undefined if it may be set. Too short (under
 * {@link MIN_PASSWORD_LENGTH}); the username itself; a common password, lower-cased, as is, with
 * digits and symbols around it stripped, or repeated ("qwertyqwerty"); or a few characters over
 * and over ("aaaaaaaaaaaa", "121212121212").
 */
export function passwordProblem(
  password: string,
  username?: string,
): 'tooShort' | 'tooLong' | 'tooCommon' | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return 'tooShort';
  if (password.length > MAX_PASSWORD_LENGTH) return 'tooLong';
  const lower = password.toLowerCase();
  if (username !== undefined && username.length >= 3 && lower.includes(username.toLowerCase())) {
    return 'tooCommon';
  }
  if (new Set(lower).size < 4) return 'tooCommon';
  const core = lower.replace(PADDING, '');
  const half = lower.length % 2 === 0 ? lower.slice(0, lower.length / 2) : '';
  if (COMMON.has(lower) || (core.length >= 4 && COMMON.has(core))) return 'tooCommon';
  if (half !== '' && half + half === lower && COMMON.has(half)) return 'tooCommon';
  return undefined;
}

/**
 * Throws the catalog's error for a password that may not be set: 400 VALIDATION_FAILED on
 * `password` when too short or long (the request schema says so first), 400 PASSWORD_TOO_COMMON
 * when common or the username. `field` names the field in the answer.
 */
export function checkNewPassword(password: string, username?: string, field = 'password'): void {
  const problem = passwordProblem(password, username);
  if (problem === 'tooShort' || problem === 'tooLong') {
    const message = problem === 'tooShort' ? `at least ${MIN_PASSWORD_LENGTH} characters` : 'too long';
    throw new ApiError('VALIDATION_FAILED', 'The request does not match its schema', { [field]: message });
  }
  if (problem === 'tooCommon') {
    const message = 'too common or too easy to guess: choose another';
    throw new ApiError('PASSWORD_TOO_COMMON', `This password is ${message}`, { [field]: message });
  }
}
