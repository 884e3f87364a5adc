// Page tests type-check the mini-program code they load, which uses the `wx` globals.
/// <reference types="miniprogram-api-typings" />
